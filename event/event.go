// Package event defines the analytics event that travels from ingestion through the broker to the processor.
package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// PageView is the event type counted as a view and in top paths.
const PageView = "page_view"

// Event is one analytics event as it is carried on the broker and stored in Postgres.
type Event struct {
	EventID   string    `json:"event_id"`
	SiteID    string    `json:"site_id"`
	EventType string    `json:"event_type"`
	Path      string    `json:"path"`
	UserID    string    `json:"user_id,omitempty"`
	Timestamp time.Time `json:"timestamp"`
}

// Marshal encodes events as one broker message payload: a JSON array. One message carries many events so
// that the broker and the processor pay their per-message costs once per batch, not once per event.
func Marshal(events []Event) ([]byte, error) {
	b, err := json.Marshal(events)
	if err != nil {
		return nil, fmt.Errorf("marshal events: %w", err)
	}
	return b, nil
}

// Unmarshal decodes a broker message payload: a JSON array of events, or a single event object. It fails
// when the payload is empty or an event lacks a required field.
func Unmarshal(payload []byte) ([]Event, error) {
	payload = bytes.TrimSpace(payload)
	var events []Event
	var err error
	if len(payload) > 0 && payload[0] == '{' {
		events = make([]Event, 1)
		err = json.Unmarshal(payload, &events[0])
	} else {
		err = json.Unmarshal(payload, &events)
	}
	if err != nil {
		return nil, fmt.Errorf("unmarshal events: %w", err)
	}
	if len(events) == 0 {
		return nil, errors.New("unmarshal events: no events in the message")
	}
	for i, e := range events {
		if e.EventID == "" || e.SiteID == "" || e.EventType == "" || e.Timestamp.IsZero() {
			return nil, fmt.Errorf("unmarshal events: event %d lacks event_id, site_id, event_type or timestamp", i)
		}
	}
	return events, nil
}

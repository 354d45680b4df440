// Package event defines the analytics event that travels from ingestion through the broker to the processor.
package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/analytics-pipeline/analytics/internal/jsonstr"
)

// PageView is the event type counted as a view and in top paths.
const PageView = "page_view"

// Event is one analytics event as it is carried on the broker and stored in Postgres. SiteID and EventID
// together identify it: clients choose ids, which need be unique only within a site.
type Event struct {
	EventID   string    `json:"event_id"`
	SiteID    string    `json:"site_id"`
	EventType string    `json:"event_type"`
	Path      string    `json:"path"`
	UserID    string    `json:"user_id,omitempty"`
	Timestamp time.Time `json:"timestamp"`
	// Bot marks an event whose request came from a bot (see ingestion's bot filtering): it is stored with
	// the raw events but counted in no projection.
	Bot bool `json:"bot,omitempty"`
}

// Marshal encodes events as one broker message payload: a JSON array. One message carries many events so
// that the broker and the processor pay their per-message costs once per batch, not once per event.
// The payload is exactly what json.Marshal makes of events, written without reflection: ingestion
// encodes every event it accepts.
func Marshal(events []Event) ([]byte, error) {
	if events == nil {
		return []byte("null"), nil
	}
	size := 2
	for i := range events {
		e := &events[i]
		size += eventOverhead + len(e.EventID) + len(e.SiteID) + len(e.EventType) + len(e.Path) + len(e.UserID)
	}
	b := make([]byte, 0, size)
	b = append(b, '[')
	for i := range events {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = events[i].AppendJSON(b); err != nil {
			return nil, fmt.Errorf("marshal events: event %d: %w", i, err)
		}
	}
	return append(b, ']'), nil
}

// eventOverhead is the length of an encoded event besides its strings: keys, punctuation, timestamp.
const eventOverhead = len(`{"event_id":"","site_id":"","event_type":"","path":"","user_id":"","timestamp":"","bot":true},`) +
	len("2006-01-02T15:04:05.999999999-07:00")

// AppendJSON appends e as json.Marshal encodes it: one element of the array Marshal makes.
func (e *Event) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"event_id":`...)
	b = jsonstr.Append(b, e.EventID)
	b = append(b, `,"site_id":`...)
	b = jsonstr.Append(b, e.SiteID)
	b = append(b, `,"event_type":`...)
	b = jsonstr.Append(b, e.EventType)
	b = append(b, `,"path":`...)
	b = jsonstr.Append(b, e.Path)
	if e.UserID != "" {
		b = append(b, `,"user_id":`...)
		b = jsonstr.Append(b, e.UserID)
	}
	b = append(b, `,"timestamp":"`...)
	b, err := e.Timestamp.AppendText(b)
	if err != nil {
		return nil, err
	}
	if e.Bot {
		return append(b, `","bot":true}`...), nil
	}
	return append(b, `"}`...), nil
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

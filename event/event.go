// Package event defines the analytics event that travels from ingestion through the broker to the processor.
package event

import (
	"encoding/json"
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

// Marshal encodes the event as a broker message payload.
func Marshal(e Event) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("marshal event: %w", err)
	}
	return b, nil
}

// Unmarshal decodes a broker message payload; it fails when required fields are missing.
func Unmarshal(payload []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(payload, &e); err != nil {
		return Event{}, fmt.Errorf("unmarshal event: %w", err)
	}
	if e.EventID == "" || e.SiteID == "" || e.EventType == "" || e.Timestamp.IsZero() {
		return Event{}, fmt.Errorf("unmarshal event: missing event_id, site_id, event_type or timestamp")
	}
	return e, nil
}

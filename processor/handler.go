// Package processor projects events from the broker into Postgres: raw events, daily aggregates, path
// views and unique users, each event counted exactly once.
package processor

import (
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Handler is the Watermill handler that decodes a message's events and hands them to the batcher.
type Handler struct {
	batcher   *Batcher
	maxEvents int
}

// NewHandler returns a handler writing through batcher messages whose stream entries carry at most
// maxEvents events each.
func NewHandler(batcher *Batcher, maxEvents int) *Handler {
	return &Handler{batcher: batcher, maxEvents: maxEvents}
}

// Handle acknowledges the message (by returning nil) only after its events are committed, all together:
// the events of each stream entry it carries (a run carries many, see messaging.Entries) in one Submit.
// An undecodable payload, an entry with more events than the limit or data Postgres rejects is a
// permanent error; anything else is retried. A run that fails comes back as its entries one by one (see
// messaging.WithRuns), so the error then falls on the entry at fault alone.
func (h *Handler) Handle(msg *message.Message) error {
	entries := messaging.Entries(msg)
	var events []event.Event
	for i, payload := range entries {
		decoded, err := event.Unmarshal(payload)
		if err != nil {
			return messaging.Permanent(fmt.Errorf("message %s, entry %d of %d: %w", msg.UUID, i+1, len(entries), err))
		}
		if len(decoded) > h.maxEvents {
			return messaging.Permanent(fmt.Errorf("message %s, entry %d of %d: carries %d events, more than PROCESSOR_MAX_MESSAGE_EVENTS (%d)",
				msg.UUID, i+1, len(entries), len(decoded), h.maxEvents))
		}
		if events == nil {
			events = decoded
		} else {
			events = append(events, decoded...)
		}
	}
	err := h.batcher.Submit(msg.Context(), events)
	if errors.Is(err, ErrRejected) {
		return messaging.Permanent(err)
	}
	return err
}

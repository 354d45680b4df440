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

// NewHandler returns a handler writing through batcher messages of at most maxEvents events.
func NewHandler(batcher *Batcher, maxEvents int) *Handler {
	return &Handler{batcher: batcher, maxEvents: maxEvents}
}

// Handle acknowledges the message (by returning nil) only after its events are committed, all together.
// An undecodable payload, more events than the limit or data Postgres rejects is a permanent error;
// anything else is retried.
func (h *Handler) Handle(msg *message.Message) error {
	events, err := event.Unmarshal(msg.Payload)
	if err != nil {
		return messaging.Permanent(fmt.Errorf("message %s: %w", msg.UUID, err))
	}
	if len(events) > h.maxEvents {
		return messaging.Permanent(fmt.Errorf("message %s carries %d events, more than PROCESSOR_MAX_MESSAGE_EVENTS (%d)",
			msg.UUID, len(events), h.maxEvents))
	}
	err = h.batcher.Submit(msg.Context(), events)
	if errors.Is(err, ErrRejected) {
		return messaging.Permanent(err)
	}
	return err
}

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
	batcher *Batcher
}

// NewHandler returns a handler writing through batcher.
func NewHandler(batcher *Batcher) *Handler {
	return &Handler{batcher: batcher}
}

// Handle acknowledges the message (by returning nil) only after its events are committed, all together.
// An undecodable payload or data Postgres rejects is a permanent error; anything else is retried.
func (h *Handler) Handle(msg *message.Message) error {
	events, err := event.Unmarshal(msg.Payload)
	if err != nil {
		return messaging.Permanent(fmt.Errorf("message %s: %w", msg.UUID, err))
	}
	err = h.batcher.Submit(msg.Context(), events)
	if errors.Is(err, ErrRejected) {
		return messaging.Permanent(err)
	}
	return err
}

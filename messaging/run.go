package messaging

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
)

// A run is one Watermill message that carries several consecutive stream entries, so that a backlog of
// small entries crosses the router (its middleware, its goroutine per message) a run at a time instead
// of an entry at a time. A Redis subscriber hands runs out only when asked to (WithRuns). The entries
// travel in the message's context, not in its payload or metadata, so that no producer can forge a run:
// a run exists only between the subscriber that made it and the handler.

// runEntriesKey is the context key of a run's entries.
type runEntriesKey struct{}

// Entries returns the payloads of the stream entries msg carries: each entry of a run, in stream order,
// or msg's own payload.
func Entries(msg *message.Message) [][]byte {
	if entries, ok := msg.Context().Value(runEntriesKey{}).([][]byte); ok {
		return entries
	}
	return [][]byte{msg.Payload}
}

// isRun reports whether msg is a run.
func isRun(msg *message.Message) bool {
	_, ok := msg.Context().Value(runEntriesKey{}).([][]byte)
	return ok
}

// withRunEntries returns ctx carrying the payloads of a run's entries.
func withRunEntries(ctx context.Context, entries [][]byte) context.Context {
	return context.WithValue(ctx, runEntriesKey{}, entries)
}

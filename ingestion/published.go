package ingestion

import (
	"errors"

	"github.com/analytics-pipeline/analytics/internal/ratelimit"
	"github.com/analytics-pipeline/analytics/messaging"
)

// published is what became of one request's events: each is in a message of a written pack, which the
// broker stored (it has an id) or refused (it has an error).
type published struct {
	msgOf []int // by event, the index of its message in pack
	pack  *sentPack
}

// queuedID is the broker id of the message carrying event j, "" if that message was not stored.
func (p published) queuedID(j int) string {
	return p.pack.ids[p.msgOf[j]]
}

// err is why event j was not stored, nil if it was.
func (p published) err(j int) error {
	return p.pack.errs[p.msgOf[j]]
}

// failed returns how many events were not stored, and the error of the first.
func (p published) failed() (int, error) {
	n := 0
	var first error
	for j := range p.msgOf {
		if err := p.err(j); err != nil {
			if n == 0 {
				first = err
			}
			n++
		}
	}
	return n, first
}

// notQueuedReason says, for a client, why events were not queued; all of these are worth a retry.
func notQueuedReason(err error) string {
	switch {
	case errors.Is(err, errShuttingDown), errors.Is(err, ratelimit.ErrClosed):
		return "ingestion is shutting down"
	case errors.Is(err, messaging.ErrMessageTooLarge):
		return "the broker refused the message carrying the events as too large"
	}
	return "the event queue is unavailable"
}

package messaging

import (
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
)

// runFailed is the error of a run that failed, whatever the cause (a permanent error, a panic, retries
// run out). It deliberately does not unwrap to its cause: a run must never be poisoned, because the
// poison queue acknowledges what it poisons and the run's good entries would be lost with the bad one.
type runFailed struct {
	entries int
	err     error
}

func (f runFailed) Error() string {
	return fmt.Sprintf("run of %d entries failed, so its entries are handed out again one by one: %v", f.entries, f.err)
}

// splitFailedRuns turns any error of a run into runFailed, which neither the poison queue (see
// poisonable) nor retry (which runs inside this middleware, so a run's transient errors are retried
// first) acts upon: the router Nacks the run and the subscriber hands its entries out again one by one,
// each then retried and poisoned on its own.
func splitFailedRuns(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		produced, err := h(msg)
		if err != nil && isRun(msg) {
			return nil, runFailed{entries: len(Entries(msg)), err: err}
		}
		return produced, err
	}
}

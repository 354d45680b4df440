package messaging_test

import (
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// runWindow is what a handler of runs holds: messages received and not yet settled, and the window
// weight of their entries (each at least MinMessageWeight).
type runWindow struct {
	t      *testing.T
	window int64
	msgs   []*message.Message
	weight int64
}

// takeAll takes every message msgs hands out until none comes within quiet, failing the test if the
// handler then holds more than the window.
func (w *runWindow) takeAll(msgs <-chan *message.Message, quiet time.Duration) []*message.Message {
	w.t.Helper()
	var taken []*message.Message
	for msg := next(w.t, msgs, quiet); msg != nil; msg = next(w.t, msgs, quiet) {
		taken = append(taken, msg)
		w.msgs = append(w.msgs, msg)
		w.weight += entriesWeight(msg)
		require.LessOrEqual(w.t, w.weight, w.window, "handlers hold %d messages weighing %d: more than REDIS_IN_FLIGHT_BYTES", len(w.msgs), w.weight)
	}
	return taken
}

// settle acknowledges or Nacks msg and forgets it.
func (w *runWindow) settle(msg *message.Message, ack bool) {
	for i, held := range w.msgs {
		if held == msg {
			w.msgs = append(w.msgs[:i], w.msgs[i+1:]...)
			break
		}
	}
	w.weight -= entriesWeight(msg)
	if ack {
		msg.Ack()
	} else {
		msg.Nack()
	}
}

func entriesWeight(msg *message.Message) int64 {
	var weight int64
	for _, e := range messaging.Entries(msg) {
		weight += max(int64(len(e)), messaging.MinMessageWeight)
	}
	return weight
}

// TestRedisSubscriberKeepsRunsAndTheirSplitWithinItsWindow: runs weigh the sum of their entries; a
// Nacked run's entries come back one by one in the room the run held, and no more is handed out until
// acknowledgements free room for the next run.
func TestRedisSubscriberKeepsRunsAndTheirSplitWithinItsWindow(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	const window, entrySize, runEntries = 4000, 100, 4
	cfg.RedisInFlightBytes, cfg.RedisRunEntries = window, runEntries
	cfg.RetryInitialInterval = 100 * time.Millisecond
	publishNumbered(t, cfg, 200, entrySize)
	msgs := subscribeRuns(t, cfg, "windowed_runs")

	held := &runWindow{t: t, window: window}
	runs := held.takeAll(msgs, time.Second)
	require.Equal(t, int64(window), held.weight, "the subscriber fills its window")
	require.Equal(t, window/(entrySize*runEntries), len(runs), "runs of %d entries fill the window", runEntries)

	nacked := runs[0]
	held.settle(nacked, false)
	split := held.takeAll(msgs, time.Second)
	require.Equal(t, runEntries, len(split), "the Nacked run comes back as its entries, and nothing else fits")
	var singles []string
	for _, msg := range split {
		singles = append(singles, entryStrings(msg)...)
	}
	require.Equal(t, entryStrings(nacked), singles)
	require.Equal(t, int64(window), held.weight)

	for i, msg := range split {
		held.settle(msg, true)
		more := held.takeAll(msgs, 300*time.Millisecond)
		if i < len(split)-1 {
			require.Empty(t, more, "%d entries acknowledged: no room for a run of %d yet", i+1, runEntries)
		}
	}
	require.Equal(t, int64(window), held.weight, "four acknowledgements free room for exactly one more run")
}

package messaging_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// subscribeRuns starts a consumer of cfg's stream named consumer that hands out runs, closed when the
// test ends.
func subscribeRuns(t *testing.T, cfg messaging.Config, consumer string) <-chan *message.Message {
	t.Helper()
	sub, err := messaging.NewRedisSubscriber(cfg, messaging.NewRedisClient(cfg, 0), consumer, watermill.NopLogger{}, messaging.WithRuns())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	msgs, err := sub.Subscribe(context.Background(), cfg.Stream)
	require.NoError(t, err)
	return msgs
}

// publishNumbered appends n entries whose payloads are their numbers, padded to size bytes, in one
// pipelined call, and returns their payloads and the UUIDs of the messages by payload.
func publishNumbered(t *testing.T, cfg messaging.Config, n, size int) ([]string, map[string]string) {
	t.Helper()
	payloads := make([]string, n)
	uuids := make(map[string]string, n)
	msgs := make([]*message.Message, n)
	for i := range msgs {
		payloads[i] = fmt.Sprintf("%0*d", size, i)
		msgs[i] = message.NewMessage(watermill.NewUUID(), []byte(payloads[i]))
		uuids[payloads[i]] = msgs[i].UUID
	}
	pub := messaging.NewRedisPublisher(testenv.RedisClient(t, cfg), time.Second)
	require.NoError(t, pub.Publish(cfg.Stream, msgs...))
	return payloads, uuids
}

// entryStrings returns the entries msg carries, as strings.
func entryStrings(msg *message.Message) []string {
	var entries []string
	for _, e := range messaging.Entries(msg) {
		entries = append(entries, string(e))
	}
	return entries
}

// TestRedisSubscriberHandsOutARunOfManyEntries: with runs on, one read of 300 entries comes out as a run of
// REDIS_RUN_ENTRIES entries and a run of the rest, in stream order, and acknowledging the two runs
// acknowledges every entry in Redis.
func TestRedisSubscriberHandsOutARunOfManyEntries(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	require.Equal(t, 256, cfg.RedisRunEntries)
	client := testenv.RedisClient(t, cfg)
	payloads, _ := publishNumbered(t, cfg, 300, 8)
	msgs := subscribeRuns(t, cfg, "runs")

	var held []*message.Message
	var entries []string
	for len(entries) < len(payloads) {
		msg := next(t, msgs, waitFor)
		require.NotNil(t, msg, "received %d of %d entries", len(entries), len(payloads))
		held = append(held, msg)
		entries = append(entries, entryStrings(msg)...)
	}
	require.Equal(t, 2, len(held), "messages handed out for %d entries", len(payloads))
	require.Len(t, messaging.Entries(held[0]), cfg.RedisRunEntries)
	require.Equal(t, payloads, entries, "the entries of the runs, in stream order")
	for _, msg := range held {
		msg.Ack()
	}
	require.Eventually(t, func() bool {
		p, err := pending(client, cfg.Stream, cfg.ConsumerGroup)
		return err == nil && p == 0
	}, waitFor, pollEvery, "acknowledging the runs acknowledges each of their entries")
}

// TestRedisSubscriberSplitsANackedRun: a Nacked run comes back, after RETRY_INITIAL_INTERVAL, as its
// entries one by one, each the message that was published (its UUID), each acknowledged on its own.
func TestRedisSubscriberSplitsANackedRun(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	cfg.RetryInitialInterval = 300 * time.Millisecond
	client := testenv.RedisClient(t, cfg)
	payloads, uuids := publishNumbered(t, cfg, 5, 8)
	msgs := subscribeRuns(t, cfg, "splitting")

	run := next(t, msgs, waitFor)
	require.NotNil(t, run)
	require.Equal(t, payloads, entryStrings(run), "one run of the five entries")
	nacked := time.Now()
	run.Nack()
	for _, payload := range payloads {
		msg := next(t, msgs, waitFor)
		require.NotNil(t, msg, "entry %s did not come back", payload)
		require.GreaterOrEqual(t, time.Since(nacked), cfg.RetryInitialInterval)
		require.Equal(t, []string{payload}, entryStrings(msg), "each entry alone, in stream order")
		require.Equal(t, payload, string(msg.Payload))
		require.Equal(t, uuids[payload], msg.UUID)
		msg.Ack()
	}
	require.Nil(t, next(t, msgs, 2*cfg.RetryInitialInterval), "nothing more than the entries of the run")
	require.Eventually(t, func() bool {
		p, err := pending(client, cfg.Stream, cfg.ConsumerGroup)
		return err == nil && p == 0
	}, waitFor, pollEvery)
}

// TestRedisSubscriberKeepsUndecodableEntriesOutOfRuns: an entry the Watermill marshaller cannot decode
// ends the run before it and is handed out alone, marked.
func TestRedisSubscriberKeepsUndecodableEntriesOutOfRuns(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	before, _ := publishNumbered(t, cfg, 3, 8)
	require.NoError(t, client.XAdd(context.Background(), &redis.XAddArgs{Stream: cfg.Stream, Values: map[string]any{"foreign": "entry"}}).Err())
	after, _ := publishNumbered(t, cfg, 3, 9)
	msgs := subscribeRuns(t, cfg, "tolerant_runs")

	var got [][]string
	var undecodable []bool
	for _, msg := range receive(t, msgs, 3) {
		got = append(got, entryStrings(msg))
		undecodable = append(undecodable, messaging.Undecodable(msg))
	}
	require.Equal(t, [][]string{before, {`{"foreign":"entry"}`}, after}, got)
	require.Equal(t, []bool{false, true, false}, undecodable)
}

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

// TestRedisSubscriberHandsOutEntriesAloneWithoutRuns: without WithRuns, with THROTTLE_PER_SECOND set
// (the throttle counts messages) or with REDIS_RUN_ENTRIES=1, every entry is its own message, the one
// that was published.
func TestRedisSubscriberHandsOutEntriesAloneWithoutRuns(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*messaging.Config)
		opts   []messaging.SubscriberOption
	}{
		{name: "without_the_option", change: func(*messaging.Config) {}},
		{name: "throttled", change: func(c *messaging.Config) { c.ThrottlePerSecond = 1000 }, opts: []messaging.SubscriberOption{messaging.WithRuns()}},
		{name: "runs_of_one_entry", change: func(c *messaging.Config) { c.RedisRunEntries = 1 }, opts: []messaging.SubscriberOption{messaging.WithRuns()}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Messaging(t)
			tc.change(&cfg)
			payloads, uuids := publishNumbered(t, cfg, 5, 8)
			sub, err := messaging.NewRedisSubscriber(cfg, messaging.NewRedisClient(cfg, 0), "alone", watermill.NopLogger{}, tc.opts...)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, sub.Close()) })
			msgs, err := sub.Subscribe(context.Background(), cfg.Stream)
			require.NoError(t, err)

			for i, msg := range receive(t, msgs, len(payloads)) {
				require.Equal(t, []string{payloads[i]}, entryStrings(msg))
				require.Equal(t, uuids[payloads[i]], msg.UUID)
			}
		})
	}
}

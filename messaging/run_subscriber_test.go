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

package messaging_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestRedisSubscriberHandsOutManyEntriesBeforeTheirAcks holds every message it receives unacknowledged,
// as the processor's handlers do until their batch commits: one consumer must still hand out the whole
// backlog, and acknowledging it all afterwards leaves nothing pending.
func TestRedisSubscriberHandsOutManyEntriesBeforeTheirAcks(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	const n = 300
	publishPayloads(t, cfg, n, "small")

	s := subscribeAs(t, cfg, "many")
	held := make([]*message.Message, 0, n)
	for len(held) < n {
		select {
		case msg := <-s.msgs:
			held = append(held, msg)
		case <-time.After(5 * time.Second):
			t.Fatalf("received %d of %d messages without acknowledging any: the consumer waits for each acknowledgement", len(held), n)
		}
	}
	for _, msg := range held {
		msg.Ack()
	}
	require.Eventually(t, func() bool {
		p, err := pending(client, cfg.Stream, cfg.ConsumerGroup)
		return err == nil && p == 0
	}, waitFor, pollEvery, "every acknowledged entry is acknowledged in Redis")
}

// publishPayloads appends n messages with the given payload to cfg's stream, in one pipelined call.
func publishPayloads(t *testing.T, cfg messaging.Config, n int, payload string) []*message.Message {
	t.Helper()
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(watermill.NewUUID(), []byte(payload))
	}
	pub := messaging.NewRedisPublisher(testenv.RedisClient(t, cfg), time.Second)
	require.NoError(t, pub.Publish(cfg.Stream, msgs...))
	return msgs
}

// TestRedisSubscriberStaysWithinItsWindow holds what it receives: the payloads handed out at once must
// stay within REDIS_IN_FLIGHT_BYTES, each acknowledgement must free room for the next message, and the
// subscriber must not read far ahead of what its window lets it hand out.
func TestRedisSubscriberStaysWithinItsWindow(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	const window, payloadSize = 1000, 100
	cfg.RedisInFlightBytes = window
	publishPayloads(t, cfg, 200, strings.Repeat("x", payloadSize))
	s := subscribeAs(t, cfg, "windowed")

	held := &heldMessages{t: t, window: window}
	held.takeAll(s.msgs, time.Second)
	require.Equal(t, window, held.bytes, "the subscriber fills its window")
	p, err := client.XPending(context.Background(), cfg.Stream, cfg.ConsumerGroup).Result()
	require.NoError(t, err)
	require.LessOrEqual(t, p.Consumers["windowed"], int64(2*len(held.msgs)), "entries read while %d are handed out", len(held.msgs))
	for range 20 {
		held.ackOldest()
		held.takeAll(s.msgs, 200*time.Millisecond)
		require.Equal(t, window, held.bytes, "an acknowledgement frees room for exactly one more")
	}
}

// TestRedisSubscriberSendsANackedMessageAgainAfterTheRetryInterval Nacks a message while holding the
// others: it comes back (and only it), no sooner than RETRY_INITIAL_INTERVAL.
func TestRedisSubscriberSendsANackedMessageAgainAfterTheRetryInterval(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	cfg.RetryInitialInterval = 300 * time.Millisecond
	client := testenv.RedisClient(t, cfg)
	published := publishPayloads(t, cfg, 3, "nack me")
	s := subscribeAs(t, cfg, "nacking")

	got := []*message.Message{receiveOne(t, s.msgs, "first"), receiveOne(t, s.msgs, "second"), receiveOne(t, s.msgs, "third")}
	nacked := time.Now()
	got[1].Nack()
	again := receiveOne(t, s.msgs, "the Nacked message was not sent again")
	require.GreaterOrEqual(t, time.Since(nacked), cfg.RetryInitialInterval)
	require.Equal(t, published[1].UUID, again.UUID)
	require.NotSame(t, got[1], again, "a Nacked message comes back as a fresh copy")
	for _, msg := range []*message.Message{got[0], again, got[2]} {
		msg.Ack()
	}
	require.Eventually(t, func() bool {
		p, err := pending(client, cfg.Stream, cfg.ConsumerGroup)
		return err == nil && p == 0
	}, waitFor, pollEvery)
}

// TestRedisSubscriberHandsOutAnUndecodableEntryMarked writes an entry the Watermill marshaller cannot
// decode between two good ones: the consumer hands all three out, the bad one marked, instead of stopping.
func TestRedisSubscriberHandsOutAnUndecodableEntryMarked(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	publishPayloads(t, cfg, 1, "before")
	require.NoError(t, client.XAdd(context.Background(), &redis.XAddArgs{Stream: cfg.Stream, Values: map[string]any{"foreign": "entry"}}).Err())
	publishPayloads(t, cfg, 1, "after")
	s := subscribeAs(t, cfg, "tolerant")

	payloads := map[string]bool{}
	for _, msg := range receive(t, s.msgs, 3) {
		payloads[string(msg.Payload)] = messaging.Undecodable(msg)
	}
	require.Equal(t, map[string]bool{"before": false, `{"foreign":"entry"}`: true, "after": false}, payloads)
}

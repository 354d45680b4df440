package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestRedisSubscriberKeepsAMessageItsHandlerIsStillWorkingOn holds a message unacknowledged, as a handler
// retrying through a Postgres outage does, for three times CLAIM_IDLE, while the subscriber has already
// read the next two behind it: a sibling consumer must claim none of them and work on them too. Once the
// first consumer is gone, the sibling does take what it left.
func TestRedisSubscriberKeepsAMessageItsHandlerIsStillWorkingOn(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	// The keeper refreshes every ClaimIdle/4 (500ms here): a refresh may come up to 1.5s late on a busy
	// box before the sibling could claim.
	cfg.ClaimIdle = 2 * time.Second
	cfg.ClaimInterval = 50 * time.Millisecond
	client := testenv.RedisClient(t, cfg)
	ctx := context.Background()
	pub := messaging.NewRedisPublisher(client, time.Second)
	for _, payload := range []string{"slow", "next", "last"} {
		require.NoError(t, pub.Publish(cfg.Stream, reclaimTestMessage(payload)))
	}

	busy := subscribeAs(t, cfg, "busy")
	slow := receiveOne(t, busy.msgs, "the first message was not delivered")
	require.Eventually(t, func() bool {
		p, err := client.XPending(ctx, cfg.Stream, cfg.ConsumerGroup).Result()
		return err == nil && p.Consumers["busy"] == 3
	}, waitFor, pollEvery, "the busy consumer reads the two messages behind the one it works on")
	sibling := subscribeAs(t, cfg, "sibling")
	select {
	case msg := <-sibling.msgs:
		t.Fatalf("a sibling claimed message %q while its consumer still held it", msg.Payload)
	case <-time.After(3 * cfg.ClaimIdle):
	}
	slow.Ack()
	receiveOne(t, busy.msgs, "the second message was not delivered").Ack()
	last := receiveOne(t, busy.msgs, "the third message was not delivered")

	require.NoError(t, busy.sub.Close(), "the busy consumer dies without acknowledging the third")
	msg := receiveOne(t, sibling.msgs, "the message of a dead consumer was not claimed")
	require.Equal(t, last.UUID, msg.UUID)
	msg.Ack()
	require.Eventually(t, func() bool {
		n, err := pending(client, cfg.Stream, cfg.ConsumerGroup)
		return err == nil && n == 0
	}, waitFor, pollEvery)
}

// receiveOne returns the next message of msgs, failing the test with why if it does not come.
func receiveOne(t *testing.T, msgs <-chan *message.Message, why string) *message.Message {
	t.Helper()
	select {
	case msg := <-msgs:
		return msg
	case <-time.After(waitFor):
		t.Fatal(why)
		return nil
	}
}

// subscription is one consumer's subscriber and its messages.
type subscription struct {
	sub  message.Subscriber
	msgs <-chan *message.Message
}

// subscribeAs starts a consumer of cfg's stream named consumer, closed when the test ends.
func subscribeAs(t *testing.T, cfg messaging.Config, consumer string) subscription {
	t.Helper()
	sub, err := messaging.NewRedisSubscriber(cfg, messaging.NewRedisClient(cfg, 0), consumer, watermill.NopLogger{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	msgs, err := sub.Subscribe(context.Background(), cfg.Stream)
	require.NoError(t, err)
	return subscription{sub: sub, msgs: msgs}
}

func TestPendingKeeperRefreshesOnlyWhatItsConsumerStillOwns(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	ctx := context.Background()
	pub := messaging.NewRedisPublisher(client, time.Second)
	for _, payload := range []string{"kept", "claimed", "acked"} {
		require.NoError(t, pub.Publish(cfg.Stream, reclaimTestMessage(payload)))
	}
	require.NoError(t, client.XGroupCreate(ctx, cfg.Stream, cfg.ConsumerGroup, "0").Err())
	read, err := client.XReadGroup(ctx, &redis.XReadGroupArgs{Group: cfg.ConsumerGroup, Consumer: "a",
		Streams: []string{cfg.Stream, ">"}, Count: 3}).Result()
	require.NoError(t, err)
	kept, claimed, acked := read[0].Messages[0].ID, read[0].Messages[1].ID, read[0].Messages[2].ID
	keeper := messaging.NewPendingKeeper(client, cfg.Stream, cfg.ConsumerGroup, "a", time.Hour, watermill.NopLogger{})
	keeper.Hold(kept, claimed, acked)

	const aged = time.Second
	time.Sleep(aged)
	require.NoError(t, client.XClaim(ctx, &redis.XClaimArgs{Stream: cfg.Stream, Group: cfg.ConsumerGroup,
		Consumer: "b", MinIdle: aged, Messages: []string{claimed}}).Err())
	require.NoError(t, client.XAck(ctx, cfg.Stream, cfg.ConsumerGroup, acked).Err())

	taken, err := keeper.Refresh(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{claimed}, taken)
	require.Equal(t, []string{kept}, keeper.Held(), "entries no longer this consumer's are forgotten")

	entries, err := client.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: cfg.Stream, Group: cfg.ConsumerGroup,
		Start: "-", End: "+", Count: 10}).Result()
	require.NoError(t, err)
	require.Len(t, entries, 2)
	for _, e := range entries {
		switch e.ID {
		case kept:
			require.Equal(t, "a", e.Consumer)
			require.Less(t, e.Idle, aged, "the refresh reset its idle time")
			require.Equal(t, int64(1), e.RetryCount, "a refresh is not a delivery")
		case claimed:
			require.Equal(t, "b", e.Consumer, "the keeper never takes an entry back")
		}
	}
}

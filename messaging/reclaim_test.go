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

func TestReclaimOwnHandsBackACrashedRunsPendingMessages(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	cfg.ClaimIdle = time.Hour // without ReclaimOwn nothing would be claimed during the test
	client := testenv.RedisClient(t, cfg)
	ctx := context.Background()

	n, err := messaging.ReclaimOwn(ctx, client, cfg, []string{"crashed-0"})
	require.NoError(t, err)
	require.Zero(t, n, "no group yet means nothing pending")

	pub := messaging.NewRedisPublisher(client, time.Second)
	for range 3 {
		require.NoError(t, pub.Publish(cfg.Stream, reclaimTestMessage("payload")))
	}
	require.NoError(t, client.XGroupCreate(ctx, cfg.Stream, cfg.ConsumerGroup, "0").Err())
	// The previous run read the three entries and died before acknowledging them.
	read, err := client.XReadGroup(ctx, &redis.XReadGroupArgs{Group: cfg.ConsumerGroup, Consumer: "crashed-0",
		Streams: []string{cfg.Stream, ">"}, Count: 10}).Result()
	require.NoError(t, err)
	require.Len(t, read[0].Messages, 3)

	n, err = messaging.ReclaimOwn(ctx, client, cfg, []string{"crashed-0", "crashed-1"})
	require.NoError(t, err)
	require.Equal(t, 3, n)

	sub, err := messaging.NewRedisSubscriber(cfg, client, "crashed-0", watermill.NopLogger{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	msgs, err := sub.Subscribe(ctx, cfg.Stream)
	require.NoError(t, err)
	for range 3 {
		select {
		case msg := <-msgs:
			require.Equal(t, "payload", string(msg.Payload))
			msg.Ack()
		case <-time.After(30 * time.Second):
			t.Fatal("the reclaimed messages were not redelivered")
		}
	}
	require.Eventually(t, func() bool {
		pending, err := client.XPending(ctx, cfg.Stream, cfg.ConsumerGroup).Result()
		return err == nil && pending.Count == 0
	}, 10*time.Second, 20*time.Millisecond)
}

func reclaimTestMessage(payload string) *message.Message {
	return message.NewMessage(watermill.NewUUID(), []byte(payload))
}

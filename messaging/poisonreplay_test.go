package messaging_test

import (
	"context"
	"testing"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/messaging"
)

// streamMessages returns every message on the test's stream, oldest first, as a subscriber would decode it.
func (env *poisonQueueEnv) streamMessages(t *testing.T) []*message.Message {
	t.Helper()
	entries, err := env.client.XRange(context.Background(), env.cfg.Stream, "-", "+").Result()
	require.NoError(t, err)
	msgs := make([]*message.Message, len(entries))
	for i, entry := range entries {
		msgs[i], err = redisstream.DefaultMarshallerUnmarshaller{}.Unmarshal(entry.Values)
		require.NoError(t, err)
	}
	return msgs
}

// requireReplayed checks that got is want as it was first published: same UUID, payload and metadata,
// none of the poison middleware's keys.
func requireReplayed(t *testing.T, want, got *message.Message) {
	t.Helper()
	require.Equal(t, want.UUID, got.UUID)
	require.Equal(t, want.Payload, got.Payload)
	require.Equal(t, "poison_queue_test", got.Metadata.Get("origin"))
	for _, key := range []string{middleware.ReasonForPoisonedKey, middleware.PoisonedTopicKey,
		middleware.PoisonedHandlerKey, middleware.PoisonedSubscriberKey} {
		require.NotContains(t, got.Metadata, key)
	}
}

func TestPoisonQueueReplayPublishesTheMessageAgainThenDeletesIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newPoisonQueueEnv(t)
	bad := newTestMessage([]byte{'{', 0xff, 0x00})
	entries := env.poisonThroughRouter(t, newTestMessage([]byte(`{"site_id":"s1"}`)), bad)

	replayed, err := env.queue.Replay(ctx, messaging.NewRedisPublisher(env.client, env.cfg.PublishTimeout), entries[1].Offset)
	require.NoError(t, err)
	require.Equal(t, entries[1], replayed)

	onStream := env.streamMessages(t)
	require.Len(t, onStream, 3, "the two original messages and the replayed one")
	requireReplayed(t, bad, onStream[2])
	_, err = env.queue.Get(ctx, entries[1].Offset)
	require.ErrorIs(t, err, messaging.ErrNotFound)
	left, err := env.queue.List(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, entries[:1], left)
}

func TestPoisonQueueReplayAllReplaysOldestFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newPoisonQueueEnv(t)
	msgs := []*message.Message{newTestMessage([]byte("1")), newTestMessage([]byte("2")), newTestMessage([]byte("3"))}
	env.poisonThroughRouter(t, msgs...)
	pub := messaging.NewRedisPublisher(env.client, env.cfg.PublishTimeout)

	replayed, err := env.queue.ReplayAll(ctx, pub)
	require.NoError(t, err)
	require.Equal(t, 3, replayed)

	onStream := env.streamMessages(t)
	require.Len(t, onStream, 6)
	for i, msg := range msgs {
		requireReplayed(t, msg, onStream[3+i])
	}
	left, err := env.queue.List(ctx, 0)
	require.NoError(t, err)
	require.Empty(t, left)
	replayed, err = env.queue.ReplayAll(ctx, pub)
	require.NoError(t, err)
	require.Zero(t, replayed)
}

func TestPoisonQueueReplayAllLeavesMessagesPoisonedAgainForLater(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newPoisonQueueEnv(t)
	env.startRejectingRouter(t)
	msgs := []*message.Message{newTestMessage([]byte("1")), newTestMessage([]byte("2"))}
	env.publish(t, msgs...)
	first := env.waitPoisoned(t, 2)

	replayed, err := env.queue.ReplayAll(ctx, messaging.NewRedisPublisher(env.client, env.cfg.PublishTimeout))
	require.NoError(t, err)
	require.Equal(t, 2, replayed, "the router rejects the replayed messages again; those wait for the next call")

	// The router handles the two replayed messages at once, so they are poisoned again in either order.
	again := env.waitPoisoned(t, 2)
	var uuids []string
	for _, entry := range again {
		uuids = append(uuids, entry.UUID)
		require.Greater(t, entry.Offset, first[len(first)-1].Offset)
	}
	require.ElementsMatch(t, []string{msgs[0].UUID, msgs[1].UUID}, uuids)
}

func TestPoisonQueueReplayKeepsAnEntryWithoutTopic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newPoisonQueueEnv(t)
	env.poisonDirectly(t, newTestMessage([]byte("no topic")))
	entries, err := env.queue.List(ctx, 0)
	require.NoError(t, err)
	require.Len(t, entries, 1)

	_, err = env.queue.Replay(ctx, messaging.NewRedisPublisher(env.client, env.cfg.PublishTimeout), entries[0].Offset)
	require.ErrorContains(t, err, middleware.PoisonedTopicKey)
	require.NotErrorIs(t, err, messaging.ErrNotFound)

	after, err := env.queue.List(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, entries, after)
	require.Empty(t, env.streamMessages(t))
}

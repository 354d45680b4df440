package messaging_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-sql/v3/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// poisonQueueWait bounds every wait for the router; it only stops a stuck test.
const poisonQueueWait = 30 * time.Second

const rejectingHandler = "reject_everything"

// poisonQueueEnv is a fresh database and stream, and the poison queue of the test's poison topic, whose
// table exists as the migrate command leaves it.
type poisonQueueEnv struct {
	cfg    messaging.Config
	pool   *pgxpool.Pool
	client *redis.Client
	queue  *messaging.PoisonQueue
}

func newPoisonQueueEnv(t *testing.T) *poisonQueueEnv {
	t.Helper()
	env := newPoisonQueueEnvWithoutTable(t)
	require.NoError(t, messaging.CreatePoisonTable(context.Background(), env.pool, env.cfg.PoisonTopic))
	return env
}

// newPoisonQueueEnvWithoutTable is newPoisonQueueEnv on a database the migrate command never saw the
// test's poison topic in.
func newPoisonQueueEnvWithoutTable(t *testing.T) *poisonQueueEnv {
	t.Helper()
	env := &poisonQueueEnv{cfg: testenv.Messaging(t), pool: testenv.Database(t)}
	env.client = testenv.RedisClient(t, env.cfg)
	queue, err := messaging.NewPoisonQueue(env.pool, env.cfg.PoisonTopic)
	require.NoError(t, err)
	env.queue = queue
	return env
}

// startRejectingRouter runs the messaging router stack on the stream with a handler that fails every
// message permanently, so each one lands in the poison queue; the returned function stops it.
func (env *poisonQueueEnv) startRejectingRouter(t *testing.T) (stop func()) {
	t.Helper()
	db := stdlib.OpenDBFromPool(env.pool)
	t.Cleanup(func() { db.Close() })
	logger := watermill.NopLogger{}
	poison, err := messaging.NewPostgresPoisonPublisher(db, logger)
	require.NoError(t, err)
	router, err := messaging.NewRouter(env.cfg, poison, 10*time.Second, logger)
	require.NoError(t, err)
	// The subscriber closes its client when the router stops, so it gets its own.
	sub, err := messaging.NewRedisSubscriber(env.cfg, testenv.RedisClient(t, env.cfg), messaging.ConsumerNames(env.cfg, 1)[0], logger)
	require.NoError(t, err)
	router.AddConsumerHandler(rejectingHandler, env.cfg.Stream, sub, func(*message.Message) error {
		return messaging.Permanent(errors.New("rejected by test"))
	})
	runErr := make(chan error, 1)
	go func() { runErr <- router.Run(context.Background()) }()
	<-router.Running()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			require.NoError(t, router.Close())
			require.NoError(t, <-runErr)
		}
	}
	t.Cleanup(stop)
	return stop
}

// publish puts msgs on the test's stream.
func (env *poisonQueueEnv) publish(t *testing.T, msgs ...*message.Message) {
	t.Helper()
	require.NoError(t, messaging.NewRedisPublisher(env.client, env.cfg.PublishTimeout).Publish(env.cfg.Stream, msgs...))
}

// waitPoisoned waits until the poison queue holds n entries and returns them.
func (env *poisonQueueEnv) waitPoisoned(t *testing.T, n int) []messaging.PoisonEntry {
	t.Helper()
	var entries []messaging.PoisonEntry
	require.Eventually(t, func() bool {
		var err error
		entries, err = env.queue.List(context.Background(), 0)
		return err == nil && len(entries) == n
	}, poisonQueueWait, 20*time.Millisecond, "poison queue holds %d entries, want %d", len(entries), n)
	return entries
}

// poisonThroughRouter sends msgs through a router that rejects them and returns their poison entries, in
// the order of msgs: it publishes each one once the one before is poisoned, since the subscriber hands out
// many messages at once and the router handles them concurrently.
func (env *poisonQueueEnv) poisonThroughRouter(t *testing.T, msgs ...*message.Message) []messaging.PoisonEntry {
	t.Helper()
	stop := env.startRejectingRouter(t)
	defer stop()
	var entries []messaging.PoisonEntry
	for i, msg := range msgs {
		env.publish(t, msg)
		entries = env.waitPoisoned(t, i+1)
	}
	return entries
}

// poisonDirectly writes msgs into the poison queue as the poison middleware's publisher does.
func (env *poisonQueueEnv) poisonDirectly(t *testing.T, msgs ...*message.Message) {
	t.Helper()
	db := stdlib.OpenDBFromPool(env.pool)
	defer db.Close()
	pub, err := messaging.NewPostgresPoisonPublisher(db, watermill.NopLogger{})
	require.NoError(t, err)
	require.NoError(t, pub.Publish(env.cfg.PoisonTopic, msgs...))
}

func newTestMessage(payload []byte) *message.Message {
	msg := message.NewMessage(watermill.NewUUID(), payload)
	msg.Metadata.Set("origin", "poison_queue_test")
	return msg
}

func TestPoisonQueueListsAndGetsWhatTheRouterPoisoned(t *testing.T) {
	t.Parallel()
	env := newPoisonQueueEnv(t)
	text := newTestMessage([]byte(`{"site_id":"s1"}`))
	binary := newTestMessage([]byte{0x00, 0xff, 0xfe, 'x'})

	entries := env.poisonThroughRouter(t, text, binary)

	for i, want := range []*message.Message{text, binary} {
		got := entries[i]
		require.Equal(t, want.UUID, got.UUID)
		require.Equal(t, []byte(want.Payload), got.Payload)
		require.Equal(t, "permanent: rejected by test", got.Reason)
		require.Equal(t, env.cfg.Stream, got.Topic)
		require.Equal(t, rejectingHandler, got.Handler)
		require.NotEmpty(t, got.Subscriber)
		require.Equal(t, "poison_queue_test", got.Metadata["origin"])
		require.Equal(t, got.Reason, got.Metadata[middleware.ReasonForPoisonedKey])
		require.WithinDuration(t, time.Now(), got.CreatedAt, time.Hour, "created_at must come back as the right instant")
	}
	require.Less(t, entries[0].Offset, entries[1].Offset, "oldest first")

	first, err := env.queue.List(context.Background(), 1)
	require.NoError(t, err)
	require.Equal(t, entries[:1], first)

	got, err := env.queue.Get(context.Background(), entries[1].Offset)
	require.NoError(t, err)
	require.Equal(t, entries[1], got)
}

func TestPoisonQueuePurgesOneOrAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newPoisonQueueEnv(t)
	env.poisonDirectly(t, newTestMessage([]byte("a")), newTestMessage([]byte("b")), newTestMessage([]byte("c")))
	entries, err := env.queue.List(ctx, 0)
	require.NoError(t, err)
	require.Len(t, entries, 3)

	require.NoError(t, env.queue.Purge(ctx, entries[1].Offset))
	left, err := env.queue.List(ctx, 0)
	require.NoError(t, err)
	require.Equal(t, []messaging.PoisonEntry{entries[0], entries[2]}, left)
	require.ErrorIs(t, env.queue.Purge(ctx, entries[1].Offset), messaging.ErrNotFound)

	purged, err := env.queue.PurgeAll(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(2), purged)
	left, err = env.queue.List(ctx, 0)
	require.NoError(t, err)
	require.Empty(t, left)
}

// poisonQueueOps runs each single-entry operation of the queue on offset and returns its error.
var poisonQueueOps = []struct {
	name string
	run  func(env *poisonQueueEnv, offset int64) error
}{
	{name: "get", run: func(env *poisonQueueEnv, offset int64) error {
		_, err := env.queue.Get(context.Background(), offset)
		return err
	}},
	{name: "replay", run: func(env *poisonQueueEnv, offset int64) error {
		_, err := env.queue.Replay(context.Background(), messaging.NewRedisPublisher(env.client, time.Second), offset)
		return err
	}},
	{name: "purge", run: func(env *poisonQueueEnv, offset int64) error {
		return env.queue.Purge(context.Background(), offset)
	}},
}

func TestPoisonQueueReportsMissingOffsetAsNotFoundAndMissingTableAsSuch(t *testing.T) {
	t.Parallel()
	for _, op := range poisonQueueOps {
		t.Run(op.name+"_without_table", func(t *testing.T) {
			t.Parallel()
			env := newPoisonQueueEnvWithoutTable(t)
			require.ErrorIs(t, op.run(env, 1), messaging.ErrNoPoisonTable)
		})
		t.Run(op.name+"_of_missing_offset", func(t *testing.T) {
			t.Parallel()
			env := newPoisonQueueEnv(t)
			env.poisonDirectly(t, newTestMessage([]byte("kept")))
			entries, err := env.queue.List(context.Background(), 0)
			require.NoError(t, err)
			require.Len(t, entries, 1)

			require.ErrorIs(t, op.run(env, entries[0].Offset+1000), messaging.ErrNotFound)
			after, err := env.queue.List(context.Background(), 0)
			require.NoError(t, err)
			require.Equal(t, entries, after)
		})
	}
}

// TestPoisonQueueWithoutTableSaysToMigrate checks that a queue whose table the migrations did not create
// (another POISON_TOPIC) is an error naming the topic, not an empty queue that hides the mistake.
func TestPoisonQueueWithoutTableSaysToMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := newPoisonQueueEnvWithoutTable(t)

	_, err := env.queue.List(ctx, 10)
	require.ErrorIs(t, err, messaging.ErrNoPoisonTable)
	require.ErrorContains(t, err, "POISON_TOPIC="+env.cfg.PoisonTopic)
	_, err = env.queue.ReplayAll(ctx, messaging.NewRedisPublisher(env.client, time.Second))
	require.ErrorIs(t, err, messaging.ErrNoPoisonTable)
	_, err = env.queue.PurgeAll(ctx)
	require.ErrorIs(t, err, messaging.ErrNoPoisonTable)
}

func TestNewPoisonQueueRejectsTopicsThatCannotNameATable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		topic string
	}{
		{name: "empty", topic: ""},
		{name: "quote", topic: `poison"; DROP TABLE events; --`},
		{name: "space", topic: "two words"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := messaging.NewPoisonQueue(nil, tc.topic)
			require.ErrorIs(t, err, sql.ErrInvalidTopicName)
		})
	}
}

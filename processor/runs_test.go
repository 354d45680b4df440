package processor_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
)

// TestProcessorPoisonsOnlyTheBadEntriesOfARun drains a backlog of single-event entries, which the
// processor's subscriber hands out in runs, with three bad entries among them: a payload that is not
// JSON, an event Postgres rejects, and more events than PROCESSOR_MAX_MESSAGE_EVENTS. Every good event
// must be counted, exactly the three bad entries poisoned, nothing left pending, and Handled must count
// the entries handled.
func TestProcessorPoisonsOnlyTheBadEntriesOfARun(t *testing.T) {
	t.Parallel()
	const entries, maxEvents = 600, 3
	msgCfg := testenv.Messaging(t)
	cfg := processor.Config{DatabaseURL: testenv.ProcessorDatabaseURL(t, msgCfg), Messaging: msgCfg,
		MaxMessageEvents: maxEvents, ShutdownTimeout: 5 * time.Second}
	ctx := context.Background()
	client := testenv.RedisClient(t, msgCfg)

	single := func(id, path string) []byte {
		payload, err := event.Marshal([]event.Event{ev(id, "s", event.PageView, path, "", "2025-11-12T10:00:00Z")})
		require.NoError(t, err)
		return payload
	}
	tooMany := make([]event.Event, maxEvents+1)
	for i := range tooMany {
		tooMany[i] = ev(fmt.Sprint("many-", i), "s", event.PageView, "/", "", "2025-11-12T10:00:00Z")
	}
	tooManyPayload, err := event.Marshal(tooMany)
	require.NoError(t, err)
	bad := map[int][]byte{
		37:  []byte(`{"event_id":`),
		290: single("nul", "/bad\x00path"),
		451: tooManyPayload,
	}
	msgs := make([]*message.Message, entries)
	var badUUIDs []string
	for i := range msgs {
		payload, isBad := bad[i]
		if !isBad {
			payload = single(fmt.Sprint("run-", i), "/")
		}
		msgs[i] = message.NewMessage(watermill.NewUUID(), payload)
		if isBad {
			badUUIDs = append(badUUIDs, msgs[i].UUID)
		}
	}
	require.NoError(t, messaging.NewRedisPublisher(client, time.Second).Publish(msgCfg.Stream, msgs...))

	p := startProcessor(t, cfg)

	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	good := int64(entries - len(bad))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		require.Equal(c, good, p.Handled(), "entries handled")
		n, err := client.XPending(ctx, msgCfg.Stream, msgCfg.ConsumerGroup).Result()
		require.NoError(c, err)
		require.Zero(c, n.Count, "entries pending")
		require.ElementsMatch(c, badUUIDs, poisonedUUIDs(c, pool, msgCfg.PoisonTopic), "poisoned messages")
	}, time.Minute, 20*time.Millisecond)
	require.Equal(t, good, readDay(t, pool, "s", "2025-11-12").views, "every good event counted once")
}

// poisonedUUIDs returns the UUIDs of the messages in the poison table of topic.
func poisonedUUIDs(t require.TestingT, pool *pgxpool.Pool, topic string) []string {
	rows, err := pool.Query(context.Background(), `SELECT uuid FROM `+pgx.Identifier{"watermill_" + topic}.Sanitize())
	require.NoError(t, err)
	uuids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return uuids
}

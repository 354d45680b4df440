package processor_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
)

// publishEvents publishes one stream entry per event, with ids prefix-0, prefix-1, ...
func publishEvents(t *testing.T, cfg messaging.Config, prefix string, n int) {
	t.Helper()
	msgs := make([]*message.Message, n)
	for i := range msgs {
		payload, err := event.Marshal([]event.Event{ev(fmt.Sprint(prefix, "-", i), "s", event.PageView, "/", "", "2025-11-12T10:00:00Z")})
		require.NoError(t, err)
		msgs[i] = message.NewMessage(watermill.NewUUID(), payload)
	}
	require.NoError(t, messaging.NewRedisPublisher(testenv.RedisClient(t, cfg), time.Second).Publish(cfg.Stream, msgs...))
}

// TestProcessorMetricsMoveWithTheEvents publishes events, each its own stream entry, and then the same
// events again: the first time every event is projected, the second time none is, and every batch is
// observed either way; the broker's gauges are exported.
func TestProcessorMetricsMoveWithTheEvents(t *testing.T) {
	t.Parallel()
	const events = 300
	msgCfg := testenv.Messaging(t)
	url := serveProcessor(t, processor.Config{DatabaseURL: testenv.ProcessorDatabaseURL(t, msgCfg), Messaging: msgCfg, ShutdownTimeout: 5 * time.Second})
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		projected, _ := value(c, scrape(c, url), "processor_events_projected_total")
		require.Zero(c, projected)
	}, time.Minute, 20*time.Millisecond)

	publishEvents(t, msgCfg, "once", events)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		projected, _ := value(c, scrape(c, url), "processor_events_projected_total")
		require.Equal(c, float64(events), projected)
	}, time.Minute, 20*time.Millisecond)
	families := scrape(t, url)
	batches, batchedEvents := value(t, families, "processor_batch_events")
	require.GreaterOrEqual(t, batches, 1.0)
	require.Equal(t, float64(events), batchedEvents, "each event in one committed batch")
	commits, _ := value(t, families, "processor_commit_duration_seconds")
	require.Equal(t, batches, commits, "a commit time for each batch")
	for _, name := range []string{"broker_lag_messages", "broker_pending_messages", "broker_stream_length_messages",
		"watermill_handler_execution_time_seconds", "watermill_subscriber_messages_received_total",
		"db_pool_acquired_connections", "db_pool_acquires_total"} {
		require.Contains(t, families, name)
	}

	publishEvents(t, msgCfg, "once", events)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		families := scrape(c, url)
		_, batchedEvents := value(c, families, "processor_batch_events")
		require.Equal(c, float64(2*events), batchedEvents, "the resent events are written too")
		projected, _ := value(c, families, "processor_events_projected_total")
		require.Equal(c, float64(events), projected, "and projected no second time")
		pending, _ := value(c, families, "broker_pending_messages")
		require.Zero(c, pending)
		lag, _ := value(c, families, "broker_lag_messages")
		require.Zero(c, lag)
	}, time.Minute, 20*time.Millisecond)
}

// TestRetriesAndPoisonedMessagesAreCounted poisons an undecodable entry, then holds the events table
// locked past the processor's statement timeout, a transient error, so that the next entry is retried
// until the lock goes.
func TestRetriesAndPoisonedMessagesAreCounted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	msgCfg := testenv.Messaging(t)
	msgCfg.RetryMax = 1000
	cfg := processor.Config{DatabaseURL: testenv.ProcessorDatabaseURL(t, msgCfg), Messaging: msgCfg,
		StatementTimeout: 100 * time.Millisecond, ShutdownTimeout: 5 * time.Second}
	url := serveProcessor(t, cfg)
	client := testenv.RedisClient(t, msgCfg)

	pub := messaging.NewRedisPublisher(client, time.Second)
	require.NoError(t, pub.Publish(msgCfg.Stream, message.NewMessage(watermill.NewUUID(), []byte(`{"event_id":`))))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		poisoned, _ := value(c, scrape(c, url), "processor_messages_poisoned_total")
		require.Equal(c, 1.0, poisoned)
	}, time.Minute, 20*time.Millisecond)
	retries, _ := value(t, scrape(t, url), "processor_retries_total")
	require.Zero(t, retries, "a permanent error is not retried")

	locker, err := pgxpool.New(ctx, cfg.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(locker.Close)
	tx, err := locker.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(ctx) })
	_, err = tx.Exec(ctx, `LOCK TABLE events IN ACCESS EXCLUSIVE MODE`)
	require.NoError(t, err)
	publishEvents(t, msgCfg, "retried", 1)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		retries, _ := value(c, scrape(c, url), "processor_retries_total")
		require.GreaterOrEqual(c, retries, 2.0)
	}, time.Minute, 20*time.Millisecond)
	require.NoError(t, tx.Rollback(ctx))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		families := scrape(c, url)
		projected, _ := value(c, families, "processor_events_projected_total")
		require.Equal(c, 1.0, projected)
		poisoned, _ := value(c, families, "processor_messages_poisoned_total")
		require.Equal(c, 1.0, poisoned, "a transient error poisons nothing")
	}, time.Minute, 20*time.Millisecond)
}

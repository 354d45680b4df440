package admin_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/processor"
)

func TestEventsExpireDeletesOnlyOldRawEvents(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	now := time.Now().UTC()
	_, err = processor.NewStore(pool).Apply(ctx, []event.Event{
		{EventID: "old-1", SiteID: "s", EventType: event.PageView, Path: "/", Timestamp: now.Add(-49 * time.Hour)},
		{EventID: "old-2", SiteID: "s", EventType: "click", Path: "/", Timestamp: now.Add(-72 * time.Hour)},
		{EventID: "new-1", SiteID: "s", EventType: event.PageView, Path: "/", Timestamp: now.Add(-47 * time.Hour)},
	})
	require.NoError(t, err)
	var aggregates int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT sum(total_events) FROM daily_aggregates").Scan(&aggregates))

	text, err := runAdmin(t, cfg, "events", "expire", "-older-than", "48h", "-batch-size", "1")
	require.NoError(t, err)
	require.Regexp(t, `^deleted 2 raw events that occurred before \S+Z\n$`, text)

	var left []string
	rows, err := pool.Query(ctx, "SELECT event_id FROM events")
	require.NoError(t, err)
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		left = append(left, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"new-1"}, left)
	var after int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT sum(total_events) FROM daily_aggregates").Scan(&after))
	require.Equal(t, aggregates, after, "projections untouched")
}

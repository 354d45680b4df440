package admin_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/processor"
)

func TestRebuildRestoresProjectionsAndPrintsProgress(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	events := []event.Event{
		{EventID: "1", SiteID: "a", EventType: event.PageView, Path: "/", UserID: "u", Timestamp: mustTime("2025-11-12T10:00:00Z")},
		{EventID: "2", SiteID: "a", EventType: event.PageView, Path: "/x", UserID: "u", Timestamp: mustTime("2025-11-13T10:00:00Z")},
		{EventID: "3", SiteID: "b", EventType: "click", Path: "/", Timestamp: mustTime("2025-11-12T10:00:00Z")},
	}
	_, err = processor.NewStore(pool).Apply(ctx, events)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE daily_aggregates SET total_views = 7; DELETE FROM visits`)
	require.NoError(t, err)

	text, err := runAdmin(t, cfg, "rebuild", "-site", "a", "-from", "2025-11-13")
	require.NoError(t, err)
	require.Equal(t, "[1/1] a: 1 raw events\nrebuilt the projections from 1 raw events\n", text)
	text, err = runAdmin(t, cfg, "rebuild")
	require.NoError(t, err)
	require.Equal(t, "[1/2] a: 2 raw events\n[2/2] b: 1 raw events\nrebuilt the projections from 3 raw events\n", text)

	var views, visits int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT sum(total_views), (SELECT count(*) FROM visits) FROM daily_aggregates`).Scan(&views, &visits))
	require.Equal(t, [2]int64{2, 3}, [2]int64{views, visits})
}

func TestParseRebuild(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"rebuild", "-from", "2025-13-01"},
		{"rebuild", "-to", "yesterday"},
		{"rebuild", "-from", "2025-11-02", "-to", "2025-11-01"},
		{"rebuild", "site"},
	} {
		_, err := admin.Parse(args, nil)
		require.ErrorIs(t, err, admin.ErrUsage, args)
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

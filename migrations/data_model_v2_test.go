package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/migrations"
	"github.com/analytics-pipeline/analytics/projections"
)

// beforeDataModelV2 is the last schema version without visits.
const beforeDataModelV2 = 8

// seedV8 is what a processor of version 8 stored for siteEvents("a"), plus a day (the 10th) whose five
// raw events retention has deleted since.
const seedV8 = seedV3 + `
INSERT INTO daily_aggregates VALUES ('a', '2025-11-10', 5, 5, 1);
INSERT INTO daily_path_views VALUES ('a', '2025-11-10', '/old', 5);
INSERT INTO daily_event_types VALUES ('a', '2025-11-10', 'page_view', 5);
INSERT INTO daily_unique_users VALUES ('a', '2025-11-10', 'u9');`

// 00009 keeps every row, fills visits and hourly_visitors from the raw events exactly as Apply makes them,
// leaves the expired day alone and raises the oldest build allowed; down drops what it added.
func TestDataModelV2FillsNewProjectionsOnUpgrade(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.EmptyDatabaseURL(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = provider(t, pool).UpTo(ctx, beforeDataModelV2)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, seedV8)
	require.NoError(t, err)
	before := snapshot(t, pool)

	require.NoError(t, migrations.Apply(ctx, pool))
	require.Equal(t, before, snapshot(t, pool), "the seed projections stay as they were")
	var horizon string
	var oldest int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT (SELECT expired_before AT TIME ZONE 'UTC' FROM raw_events_horizon)::text,
		(SELECT oldest_build FROM schema_compatibility)`).Scan(&horizon, &oldest))
	require.Equal(t, "2025-11-11 00:00:00", horizon, "days up to the 10th lost raw events")
	require.Equal(t, int64(9), oldest)

	fresh := testenv.Database(t)
	_, err = projections.Apply(ctx, fresh, siteEvents("a"))
	require.NoError(t, err)
	for _, table := range []string{"visits", "hourly_visitors"} {
		require.Equal(t, rowsOf(t, fresh, table), rowsOf(t, pool, table), table)
	}
	require.Len(t, rowsOf(t, pool, "visits"), 3, "u1 twice (two hours apart) and u2 on the 12th; nothing on the expired 10th")

	_, err = provider(t, pool).DownTo(ctx, beforeDataModelV2)
	require.NoError(t, err)
	require.Equal(t, before, snapshot(t, pool))
}

func rowsOf(t *testing.T, pool *pgxpool.Pool, table string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT t::text FROM `+table+` t ORDER BY 1`)
	require.NoError(t, err)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return lines
}

package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/migrations"
)

// beforeIsBot is the last schema version without events.is_bot.
const beforeIsBot = 6

// 00007 marks every existing raw event as not a bot's and keeps the rows; down drops the column again.
func TestEventsIsBot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.EmptyDatabaseURL(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = provider(t, pool).UpTo(ctx, beforeIsBot)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, seedV3)
	require.NoError(t, err)
	before := snapshot(t, pool)

	require.NoError(t, migrations.Apply(ctx, pool))
	require.Equal(t, before, snapshot(t, pool))
	var bots, all int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE is_bot), count(*) FROM events`).Scan(&bots, &all))
	require.Equal(t, [2]int{0, 3}, [2]int{bots, all})

	_, err = provider(t, pool).DownTo(ctx, beforeIsBot)
	require.NoError(t, err)
	require.Equal(t, before, snapshot(t, pool))
	var columns int
	require.NoError(t, pool.QueryRow(ctx,
		`SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'is_bot'`).Scan(&columns))
	require.Zero(t, columns)
}

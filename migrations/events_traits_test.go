package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/migrations"
)

// beforeTraits is the last schema version without events.traits.
const beforeTraits = 12

// 00013 adds events.traits, NULL for every existing raw event, and keeps the rows and the builds
// allowed: an insert of the previous build, which names no traits, still works. Down drops the column
// again.
func TestEventsTraits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.EmptyDatabaseURL(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = provider(t, pool).UpTo(ctx, beforeTraits)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, seedV3)
	require.NoError(t, err)
	before := snapshot(t, pool)
	var oldest int
	require.NoError(t, pool.QueryRow(ctx, `SELECT oldest_build FROM schema_compatibility`).Scan(&oldest))

	require.NoError(t, migrations.Apply(ctx, pool))
	require.Equal(t, before, snapshot(t, pool))
	var oldestAfter int
	require.NoError(t, pool.QueryRow(ctx, `SELECT oldest_build FROM schema_compatibility`).Scan(&oldestAfter))
	require.Equal(t, oldest, oldestAfter)
	_, err = pool.Exec(ctx, `INSERT INTO events (event_id, site_id, event_type, path, occurred_at)
		VALUES ('previous-build', 'a', 'identify', '/', now())`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO events (event_id, site_id, event_type, path, occurred_at, traits)
		VALUES ('this-build', 'a', 'identify', '/', now(), '{"email": "ada@example.com"}')`)
	require.NoError(t, err)
	var withTraits, all int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(traits), count(*) FROM events`).Scan(&withTraits, &all))
	require.Equal(t, [2]int{1, 5}, [2]int{withTraits, all})

	_, err = pool.Exec(ctx, `DELETE FROM events WHERE event_id IN ('previous-build', 'this-build')`)
	require.NoError(t, err)
	_, err = provider(t, pool).DownTo(ctx, beforeTraits)
	require.NoError(t, err)
	require.Equal(t, before, snapshot(t, pool))
	var columns int
	require.NoError(t, pool.QueryRow(ctx,
		`SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'traits'`).Scan(&columns))
	require.Zero(t, columns)
}

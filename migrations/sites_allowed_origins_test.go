package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/migrations"
)

// beforeAllowedOrigins is the last schema version without sites.allowed_origins.
const beforeAllowedOrigins = 10

// 00011 adds sites.allowed_origins, NULL (any origin) for every existing site; down drops it and keeps
// the sites.
func TestSitesAllowedOrigins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.EmptyDatabaseURL(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = provider(t, pool).UpTo(ctx, beforeAllowedOrigins)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO sites (site_id, time_zone, public) VALUES ('a.example', 'UTC', true), ('b.example', 'Asia/Kolkata', false)`)
	require.NoError(t, err)

	require.NoError(t, migrations.Apply(ctx, pool))
	var anyOrigin int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE allowed_origins IS NULL) FROM sites`).Scan(&anyOrigin))
	require.Equal(t, 2, anyOrigin, "every existing site takes any origin")
	_, err = pool.Exec(ctx, `UPDATE sites SET allowed_origins = '{https://a.example}' WHERE site_id = 'a.example'`)
	require.NoError(t, err)

	_, err = provider(t, pool).DownTo(ctx, beforeAllowedOrigins)
	require.NoError(t, err)
	var sites, columns int
	require.NoError(t, pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM sites),
		(SELECT count(*) FROM information_schema.columns WHERE table_name = 'sites' AND column_name = 'allowed_origins')`).Scan(&sites, &columns))
	require.Equal(t, [2]int{2, 0}, [2]int{sites, columns})
}

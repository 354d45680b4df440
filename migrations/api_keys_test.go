package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/migrations"
)

// beforeAPIKeys is the last schema version without api_keys and sites.public.
const beforeAPIKeys = 9

// 00010 adds api_keys, which keeps a key's hash only, and makes every existing site private; down drops
// both again and keeps the sites.
func TestAPIKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.EmptyDatabaseURL(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = provider(t, pool).UpTo(ctx, beforeAPIKeys)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO sites (site_id, time_zone) VALUES ('a.example', 'UTC'), ('b.example', 'Asia/Kolkata')`)
	require.NoError(t, err)

	require.NoError(t, migrations.Apply(ctx, pool))
	var public int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE public) FROM sites`).Scan(&public))
	require.Zero(t, public, "every existing site stays private")
	hash := make([]byte, 32)
	_, err = pool.Exec(ctx, `INSERT INTO api_keys (name, site_id, key_hash) VALUES ('all', NULL, $1)`, hash)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO api_keys (name, site_id, key_hash) VALUES ('again', 'a.example', $1)`, hash)
	requireCode(t, err, "23505") // unique_violation: one key per hash
	_, err = pool.Exec(ctx, `INSERT INTO api_keys (name, key_hash) VALUES ('short', '\x00')`)
	requireCode(t, err, "23514") // check_violation: a SHA-256 is 32 bytes

	_, err = provider(t, pool).DownTo(ctx, beforeAPIKeys)
	require.NoError(t, err)
	var sites, tables, columns int
	require.NoError(t, pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM sites),
		(SELECT count(*) FROM information_schema.tables WHERE table_name = 'api_keys'),
		(SELECT count(*) FROM information_schema.columns WHERE table_name = 'sites' AND column_name = 'public')`).Scan(&sites, &tables, &columns))
	require.Equal(t, [3]int{2, 0, 0}, [3]int{sites, tables, columns})
}

func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, code, pgErr.Code, pgErr.Message)
}

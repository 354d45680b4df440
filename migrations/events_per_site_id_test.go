package migrations_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/cluster"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/migrations"
	"github.com/analytics-pipeline/analytics/processor"
)

// beforePerSiteIDs is the last schema version whose events were keyed by event_id alone.
const beforePerSiteIDs = 3

// siteEvents are the events of seedV3 for site, as the processor would receive them.
func siteEvents(site string) []event.Event {
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return ts
	}
	return []event.Event{
		{EventID: "1", SiteID: site, EventType: event.PageView, Path: "/x", UserID: "u1", Timestamp: at("2025-11-12T10:00:00Z")},
		{EventID: "2", SiteID: site, EventType: event.PageView, Path: "/y", UserID: "u2", Timestamp: at("2025-11-12T11:00:00Z")},
		{EventID: "3", SiteID: site, EventType: "click", Path: "/x", UserID: "u1", Timestamp: at("2025-11-12T12:00:00Z")},
	}
}

// seedV3 is what the processor had stored for siteEvents("a") under schema version 3.
const seedV3 = `
INSERT INTO events (event_id, site_id, event_type, path, user_id, occurred_at) VALUES
    ('1', 'a', 'page_view', '/x', 'u1', '2025-11-12T10:00:00Z'),
    ('2', 'a', 'page_view', '/y', 'u2', '2025-11-12T11:00:00Z'),
    ('3', 'a', 'click', '/x', 'u1', '2025-11-12T12:00:00Z');
INSERT INTO daily_aggregates VALUES ('a', '2025-11-12', 2, 3, 2);
INSERT INTO daily_event_types VALUES ('a', '2025-11-12', 'page_view', 2), ('a', '2025-11-12', 'click', 1);
INSERT INTO daily_path_views VALUES ('a', '2025-11-12', '/x', 1), ('a', '2025-11-12', '/y', 1);
INSERT INTO daily_unique_users VALUES ('a', '2025-11-12', 'u1'), ('a', '2025-11-12', 'u2');`

// snapshot returns every row of the processor's tables as text, with the columns of version 3 (a column
// added later, such as events.is_bot of 00007, has its own test).
func snapshot(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	rows := map[string]string{}
	for table, from := range map[string]string{
		"events":             "(SELECT event_id, site_id, event_type, path, user_id, occurred_at, received_at FROM events)",
		"daily_aggregates":   "daily_aggregates",
		"daily_event_types":  "daily_event_types",
		"daily_path_views":   "daily_path_views",
		"daily_unique_users": "daily_unique_users",
	} {
		var all string
		err := pool.QueryRow(context.Background(),
			`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '') FROM `+from+` t`).Scan(&all)
		require.NoError(t, err, table)
		rows[table] = all
	}
	return rows
}

// provider runs the migration files of this directory on the database behind pool, one version at a time.
func provider(t *testing.T, pool *pgxpool.Pool) *goose.Provider {
	t.Helper()
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { db.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, db, os.DirFS("."))
	require.NoError(t, err)
	return p
}

func primaryKey(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var def string
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p'`).Scan(&def))
	return def
}

// migratedFromV3 returns a database that held site a's events at version 3 and was then migrated up.
func migratedFromV3(t *testing.T) (string, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	url := testenv.EmptyDatabaseURL(t)
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = provider(t, pool).UpTo(ctx, beforePerSiteIDs)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, seedV3)
	require.NoError(t, err)
	projection, err := cluster.ReadProjection(ctx, url)
	require.NoError(t, err)
	require.Equal(t, cluster.Expect(siteEvents("a")), projection, "the seed is what the processor stores")

	before := snapshot(t, pool)
	require.NoError(t, migrations.Apply(ctx, pool))
	require.Equal(t, before, snapshot(t, pool), "migrating keeps every row as it was")
	require.Equal(t, "PRIMARY KEY (event_id, site_id)", primaryKey(t, pool))
	return url, pool
}

func TestEventsPerSiteIDKeepsDataAndCountsOtherSites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, pool := migratedFromV3(t)

	all := append(siteEvents("a"), siteEvents("b")...)
	n, err := processor.NewStore(pool).Apply(ctx, all)
	require.NoError(t, err)
	require.Equal(t, 3, n, "site b's events are new; site a's were stored before the migration")

	projection, err := cluster.ReadProjection(ctx, url)
	require.NoError(t, err)
	require.Equal(t, cluster.Expect(all), projection)
	require.Equal(t, int64(6), projection.Events)
}

func TestEventsPerSiteIDDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool := migratedFromV3(t)
	_, err := processor.NewStore(pool).Apply(ctx, siteEvents("b"))
	require.NoError(t, err)

	_, err = provider(t, pool).DownTo(ctx, beforePerSiteIDs)
	require.ErrorContains(t, err, "3 event ids are used by more than one site", "the old key cannot hold them")
	kept := snapshot(t, pool)
	require.Contains(t, kept["events"], "(1,b,")

	_, err = pool.Exec(ctx, `DELETE FROM events WHERE site_id = 'b'`)
	require.NoError(t, err)
	kept = snapshot(t, pool)
	_, err = provider(t, pool).DownTo(ctx, beforePerSiteIDs)
	require.NoError(t, err)
	require.Equal(t, "PRIMARY KEY (event_id)", primaryKey(t, pool))
	require.Equal(t, kept, snapshot(t, pool), "migrating down keeps every row as it was")
}

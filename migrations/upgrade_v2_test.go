package migrations_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/projectiontest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/migrations"
)

// beforeV2 is the schema version of the last build before data model v2: raw events without visitors or
// captured fields, and the four seed tables counted in UTC days.
const beforeV2 = 7

// v7ApplySQL is the statement the processor of schema version 7 wrote each batch with (processor/store.go
// at 8122de1), so that the database upgraded here holds what a real one holds.
const v7ApplySQL = `
WITH incoming AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[])
        AS t(event_id, site_id, event_type, path, user_id, occurred_at, is_bot)
), inserted AS (
    INSERT INTO events (event_id, site_id, event_type, path, user_id, occurred_at, is_bot)
    SELECT event_id, site_id, event_type, path, NULLIF(user_id, ''), occurred_at, is_bot FROM incoming
    ORDER BY event_id, site_id
    ON CONFLICT (site_id, event_id) DO NOTHING
    RETURNING site_id, event_type, path, user_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, is_bot
), new_users AS (
    INSERT INTO daily_unique_users (site_id, day, user_id)
    SELECT DISTINCT site_id, day, user_id FROM inserted WHERE user_id IS NOT NULL AND NOT is_bot
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING site_id, day
), user_counts AS (
    SELECT site_id, day, count(*) AS users FROM new_users GROUP BY 1, 2
), day_counts AS (
    SELECT site_id, day, count(*) FILTER (WHERE event_type = 'page_view') AS views, count(*) AS events
    FROM inserted WHERE NOT is_bot GROUP BY 1, 2
), aggregates AS (
    INSERT INTO daily_aggregates AS a (site_id, day, total_views, total_events, unique_users)
    SELECT d.site_id, d.day, d.views, d.events, coalesce(u.users, 0)
    FROM day_counts d LEFT JOIN user_counts u USING (site_id, day)
    ORDER BY 1, 2
    ON CONFLICT (site_id, day) DO UPDATE SET
        total_views = a.total_views + EXCLUDED.total_views,
        total_events = a.total_events + EXCLUDED.total_events,
        unique_users = a.unique_users + EXCLUDED.unique_users
), types AS (
    INSERT INTO daily_event_types AS t (site_id, day, event_type, events)
    SELECT site_id, day, event_type, count(*) FROM inserted WHERE NOT is_bot GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, event_type) DO UPDATE SET events = t.events + EXCLUDED.events
), paths AS (
    INSERT INTO daily_path_views AS p (site_id, day, path, views)
    SELECT site_id, day, path, count(*) FROM inserted WHERE event_type = 'page_view' AND NOT is_bot
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, path) DO UPDATE SET views = p.views + EXCLUDED.views
)
SELECT count(*) FILTER (WHERE NOT is_bot) FROM inserted`

// seedTables are the projection tables of version 7, which the upgrade must leave as they were.
var seedTables = []string{"daily_aggregates", "daily_event_types", "daily_path_views", "daily_unique_users"}

// A database filled by version 7's processor (random events, duplicates and bots, in random batches)
// migrates to the newest schema with its seed tables unchanged, and the projections v2 adds are filled from
// its raw events exactly as the oracle computes them: every old event is the visitor of its user, or a
// visitor of its own, and every site counts in UTC.
func TestUpgradeFromV7FillsTheNewProjections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.EmptyDatabaseURL(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = provider(t, pool).UpTo(ctx, beforeV2)
	require.NoError(t, err)

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	events := v7Events(projectiontest.NewGenerator(rng, projectiontest.Sites()).Events(2000))
	for _, batch := range projectiontest.Batches(rng, events, 100) {
		applyV7(t, pool, batch)
	}
	want := projectiontest.Expect(events, nil)
	before := readSeedTables(t, pool)
	require.Empty(t, diffSeed(want, before), "seed %d: version 7's processor and the oracle disagree before the upgrade", seed)

	require.NoError(t, migrations.Apply(ctx, pool))

	got, err := projectiontest.Read(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, before, readSeedTables(t, pool), "seed %d: the upgrade changed the seed tables", seed)
	require.Empty(t, projectiontest.Diff(want, got), "seed %d: after the upgrade", seed)
	t.Logf("%d distinct events: %s", len(projectiontest.Distinct(events)), got.Count())
}

// v7Events are events as version 7 knew them: no visitor, no captured or derived fields.
func v7Events(events []event.Event) []event.Event {
	out := make([]event.Event, len(events))
	for i, e := range events {
		out[i] = event.Event{EventID: e.EventID, SiteID: e.SiteID, EventType: e.EventType, Path: e.Path,
			UserID: e.UserID, Timestamp: e.Timestamp, Bot: e.Bot}
	}
	return out
}

func applyV7(t *testing.T, pool *pgxpool.Pool, batch []event.Event) {
	t.Helper()
	n := len(batch)
	ids, sites, types, paths, users := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	times, bots := make([]time.Time, n), make([]bool, n)
	for i, e := range batch {
		ids[i], sites[i], types[i], paths[i], users[i], times[i], bots[i] = e.EventID, e.SiteID, e.EventType, e.Path, e.UserID, e.Timestamp, e.Bot
	}
	_, err := pool.Exec(context.Background(), v7ApplySQL, ids, sites, types, paths, users, times, bots)
	require.NoError(t, err)
}

// readSeedTables reads the seed tables, which exist at every version, as the oracle formats them.
func readSeedTables(t *testing.T, pool *pgxpool.Pool) projectiontest.Snapshot {
	t.Helper()
	snap, err := projectiontest.ReadTables(context.Background(), pool, seedTables...)
	require.NoError(t, err)
	return snap
}

// diffSeed compares the seed tables only.
func diffSeed(want, got projectiontest.Snapshot) string {
	only := projectiontest.Snapshot{}
	for _, name := range seedTables {
		only[name] = want[name]
	}
	return projectiontest.Diff(only, got)
}

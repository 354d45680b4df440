package projections_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
)

// An event's traits are stored with its raw row and counted in no projection, by Apply as by a rebuild:
// hourly_visitors holds the props of a track, never the traits of an identify.
func TestApplyStoresTraitsAndProjectsNone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)
	identify := event.Event{EventID: "i", SiteID: "s", EventType: "identify", Path: "/", UserID: "u", Timestamp: at("2025-11-12T10:00:00Z"),
		Traits: map[string]string{"email": "ada@example.com", "plan": "team"}}
	track := event.Event{EventID: "t", SiteID: "s", EventType: "Signup", Path: "/", UserID: "u", Timestamp: at("2025-11-12T10:01:00Z"),
		Props: map[string]string{"plan": "pro"}}
	_, err := projections.Apply(ctx, pool, []event.Event{identify, track})
	require.NoError(t, err)

	var traits, props string
	require.NoError(t, pool.QueryRow(ctx, `SELECT traits::text, coalesce(props::text, 'NULL') FROM events WHERE event_id = 'i'`).Scan(&traits, &props))
	require.Equal(t, `{"plan": "team", "email": "ada@example.com"}`, traits)
	require.Equal(t, "NULL", props)
	require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(traits::text, 'NULL') FROM events WHERE event_id = 't'`).Scan(&traits))
	require.Equal(t, "NULL", traits)

	want := []string{"2025-11-12 10:00:00|event:props:plan|pro"}
	require.Equal(t, want, propRows(t, pool))
	require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{}))
	require.Equal(t, want, propRows(t, pool))
}

// propRows returns the hourly_visitors rows of event:props:* dimensions as hour|dimension|value, sorted.
func propRows(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT concat_ws('|', hour, dimension, value) FROM hourly_visitors
		WHERE dimension LIKE 'event:props:%' ORDER BY 1`)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return got
}

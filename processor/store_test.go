package processor_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// day holds one site-day's projections as stored.
type day struct {
	views, events, users int64
	paths                map[string]int64
	types                map[string]int64
}

func readDay(t *testing.T, pool *pgxpool.Pool, site, date string) day {
	t.Helper()
	ctx := context.Background()
	d := day{paths: map[string]int64{}, types: map[string]int64{}}
	err := pool.QueryRow(ctx, `SELECT coalesce(sum(total_views),0), coalesce(sum(total_events),0), coalesce(sum(unique_users),0)
		FROM daily_aggregates WHERE site_id=$1 AND day=$2`, site, date).Scan(&d.views, &d.events, &d.users)
	require.NoError(t, err)
	rows, err := pool.Query(ctx, `SELECT path, views FROM daily_path_views WHERE site_id=$1 AND day=$2`, site, date)
	require.NoError(t, err)
	for rows.Next() {
		var p string
		var v int64
		require.NoError(t, rows.Scan(&p, &v))
		d.paths[p] = v
	}
	require.NoError(t, rows.Err())
	rows, err = pool.Query(ctx, `SELECT event_type, events FROM daily_event_types WHERE site_id=$1 AND day=$2`, site, date)
	require.NoError(t, err)
	for rows.Next() {
		var k string
		var v int64
		require.NoError(t, rows.Scan(&k, &v))
		d.types[k] = v
	}
	require.NoError(t, rows.Err())
	var distinct int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM daily_unique_users WHERE site_id=$1 AND day=$2`, site, date).Scan(&distinct))
	require.Equal(t, distinct, d.users, "unique_users counter must equal the rows of daily_unique_users")
	return d
}

func ev(id, site, typ, path, user, ts string) event.Event {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		panic(err)
	}
	return event.Event{EventID: id, SiteID: site, EventType: typ, Path: path, UserID: user, Timestamp: t}
}

func TestApplyProjects(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	store := processor.NewStore(pool)
	events := []event.Event{
		ev("1", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
		ev("2", "s", event.PageView, "/a", "u2", "2025-11-12T11:00:00Z"),
		ev("3", "s", event.PageView, "/b", "u1", "2025-11-12T12:00:00Z"),
		ev("4", "s", "click", "/a", "u3", "2025-11-12T13:00:00Z"),
		ev("5", "s", event.PageView, "/c", "", "2025-11-12T14:00:00Z"),
		ev("6", "s", event.PageView, "/late", "u4", "2025-11-12T23:30:00-02:00"),
		ev("7", "other", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
	}
	n, err := store.Apply(context.Background(), events)
	require.NoError(t, err)
	require.Equal(t, 7, n)

	got := readDay(t, pool, "s", "2025-11-12")
	require.Equal(t, int64(4), got.views, "page views only; the -02:00 event belongs to the 13th")
	require.Equal(t, int64(5), got.events)
	require.Equal(t, int64(3), got.users, "u1, u2 and u3 (a click counts as a user); anonymous does not")
	require.Equal(t, map[string]int64{"/a": 2, "/b": 1, "/c": 1}, got.paths, "clicks never inflate path views")
	require.Equal(t, map[string]int64{event.PageView: 4, "click": 1}, got.types)

	next := readDay(t, pool, "s", "2025-11-13")
	require.Equal(t, int64(1), next.views)
	require.Equal(t, int64(1), next.users)
}

func TestApplyCountsEachEventIDOnce(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	store := processor.NewStore(pool)
	ctx := context.Background()
	batch := []event.Event{
		ev("a", "s", event.PageView, "/x", "u1", "2025-11-12T10:00:00Z"),
		ev("b", "s", event.PageView, "/x", "u1", "2025-11-12T10:00:01Z"),
	}
	n, err := store.Apply(ctx, batch)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	again := append(batch, ev("c", "s", event.PageView, "/y", "u2", "2025-11-12T10:00:02Z"))
	n, err = store.Apply(ctx, again)
	require.NoError(t, err)
	require.Equal(t, 1, n, "only the new event is inserted")

	got := readDay(t, pool, "s", "2025-11-12")
	require.Equal(t, int64(3), got.views)
	require.Equal(t, int64(2), got.users)
	require.Equal(t, map[string]int64{"/x": 2, "/y": 1}, got.paths)
}

func TestApplyConcurrentDuplicatesCountOnce(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	store := processor.NewStore(pool)
	events := make([]event.Event, 200)
	for i := range events {
		events[i] = ev(fmt.Sprint("id-", i), "s", event.PageView, fmt.Sprint("/p", i%7), fmt.Sprint("u", i%13), "2025-11-12T10:00:00Z")
	}
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			shifted := append(append([]event.Event{}, events[w*10:]...), events[:w*10]...)
			_, err := store.Apply(context.Background(), shifted)
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
	got := readDay(t, pool, "s", "2025-11-12")
	require.Equal(t, int64(200), got.views)
	require.Equal(t, int64(13), got.users)
}

func TestApplyRejectsDataPostgresCannotStore(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	cases := map[string]string{
		"nul": "/bad\x00path",
		// Longer than an index entry can hold (2,704 bytes) and incompressible: ingestion refuses it, an
		// older or another publisher may not. Rejected, so that the batcher poisons it alone, instead of
		// an error retried for ever that fails every batch it joins.
		"index_entry_too_large": "/" + incompressible(6000),
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := processor.NewStore(pool).Apply(context.Background(), []event.Event{
				ev(name, "s", event.PageView, path, "", "2025-11-12T10:00:00Z"),
			})
			require.ErrorIs(t, err, processor.ErrRejected)
		})
	}
}

// incompressible returns n bytes of pseudo-random letters, which Postgres cannot compress into an index entry.
func incompressible(n int) string {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = 'a' + byte(x%26)
	}
	return string(b)
}

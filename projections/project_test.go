package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
)

// Apply counts an event in the daily tables at once and queues it; visits and hourly_visitors follow when
// a projector takes it off the queue. While a projector (or a rebuild) holds the projector lock, writers
// go on and another projector waits; once the lock is free it projects everything queued meanwhile, once.
func TestProjectFollowsApplyAndWaitsForTheProjectorLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)

	_, err := projections.Apply(ctx, pool, []event.Event{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z")})
	require.NoError(t, err)
	require.Equal(t, []string{"2025-11-12|1|1|1"}, projectionRows(t, pool, "s")["daily_aggregates"])
	require.Empty(t, visitsOf(t, pool, "s"), "visits follow only once a projector takes the event")
	require.Equal(t, 1, queued(t, pool))

	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(ctx) //nolint:errcheck // committed below; a no-op then
	_, err = holder.Exec(ctx, `SELECT pg_advisory_xact_lock($1, 0)`, projections.ProjectorLockNamespace)
	require.NoError(t, err)

	projected := make(chan int, 1)
	go func() {
		n, err := projections.Project(ctx, pool, 100)
		if err != nil {
			t.Error(err)
		}
		projected <- n
	}()
	require.Eventually(t, func() bool {
		var waiting bool
		err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event = 'advisory')`).Scan(&waiting)
		return err == nil && waiting
	}, 10*time.Second, 10*time.Millisecond, "the projector never waited for the lock")

	// Writers do not wait for the projector lock.
	_, err = projections.Apply(ctx, pool, []event.Event{page("b", "s", "/b", "u", "2025-11-12T10:05:00Z")})
	require.NoError(t, err)
	require.Equal(t, 2, queued(t, pool))

	require.NoError(t, holder.Commit(ctx))
	require.Equal(t, 2, <-projected, "the projector takes what was queued while it waited")
	require.Equal(t, 0, queued(t, pool))
	n, err := projections.Project(ctx, pool, 100)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is projected twice")
	require.Equal(t, []visit{{Start: "10:00:00", End: "10:05:00", Day: "2025-11-12", First: "a", Last: "b", Entry: "/a", Exit: "/b", Pageviews: 2, Events: 2}},
		visitsOf(t, pool, "s"))
}

// queued is how many events wait in the projection queue.
func queued(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM projection_queue`).Scan(&n))
	return n
}

// A rebuild projects its site's queued events before it recomputes, so a projector that comes after it
// finds none of them to count again.
func TestRebuildTakesItsSitesQueuedEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)
	_, err := projections.Apply(ctx, pool, []event.Event{
		page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"),
		page("b", "other", "/b", "u", "2025-11-12T10:05:00Z"),
	})
	require.NoError(t, err)
	require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{SiteID: "s"}))
	require.Equal(t, 1, queued(t, pool), "the other site's event stays queued")
	drain(t, pool)
	require.Equal(t, []visit{{Start: "10:00:00", End: "10:00:00", Day: "2025-11-12", First: "a", Last: "a", Entry: "/a", Exit: "/a", Pageviews: 1, Events: 1}},
		visitsOf(t, pool, "s"))
	require.Len(t, visitsOf(t, pool, "other"), 1)
}

package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
)

// While another writer's batch of the same site is uncommitted, a writer has already written its raw
// events before it waits (it holds a transaction id then): it waits only for the rows both increment and
// for the merge. Once the first commits, the second merges its event into the first one's visit.
func TestApplyWritesWhileAnotherWriterOfTheSiteHoldsItsMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)

	first, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer first.Rollback(ctx) //nolint:errcheck // committed below; a no-op then
	_, err = projections.Apply(ctx, first, []event.Event{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z")})
	require.NoError(t, err)

	second := make(chan error, 1)
	go func() {
		_, err := projections.Apply(ctx, pool, []event.Event{page("b", "s", "/b", "u", "2025-11-12T10:05:00Z")})
		second <- err
	}()

	// The second writer's backend, once it waits for an advisory lock: whether it has written anything.
	var wrote bool
	require.Eventually(t, func() bool {
		err := pool.QueryRow(ctx, `
			SELECT backend_xid IS NOT NULL FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&wrote)
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, "the second writer never waited for the first")
	require.True(t, wrote, "the second writer waits for the first before writing anything")

	require.NoError(t, first.Commit(ctx))
	require.NoError(t, <-second)
	require.Equal(t, []visit{{Start: "10:00:00", End: "10:05:00", Day: "2025-11-12", First: "a", Last: "b", Entry: "/a", Exit: "/b", Pageviews: 2, Events: 2}},
		visitsOf(t, pool, "s"))
}

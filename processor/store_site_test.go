package processor_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// Clients choose event ids, and an SDK's message ids are unique only per source: the same id sent by two
// sites is two events, and neither site can suppress the other's.
func TestApplyCountsTheSameIDOnEachSite(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	store := processor.NewStore(pool)
	ctx := context.Background()
	batch := func(site string) []event.Event {
		return []event.Event{
			ev("1", site, event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
			ev("2", site, event.PageView, "/b", "u2", "2025-11-12T11:00:00Z"),
			ev("3", site, "click", "/a", "u3", "2025-11-12T12:00:00Z"),
		}
	}

	n, err := store.Apply(ctx, batch("a"))
	require.NoError(t, err)
	require.Equal(t, 3, n)
	n, err = store.Apply(ctx, batch("b"))
	require.NoError(t, err)
	require.Equal(t, 3, n, "site b's events are new although site a used the same ids")
	n, err = store.Apply(ctx, append(batch("a"), batch("b")...))
	require.NoError(t, err)
	require.Equal(t, 0, n, "each site's ids still count once")

	for _, site := range []string{"a", "b"} {
		got := readDay(t, pool, site, "2025-11-12")
		require.Equal(t, int64(2), got.views, site)
		require.Equal(t, int64(3), got.events, site)
		require.Equal(t, int64(3), got.users, site)
		require.Equal(t, map[string]int64{"/a": 1, "/b": 1}, got.paths, site)
		require.Equal(t, map[string]int64{event.PageView: 2, "click": 1}, got.types, site)
		var rows int64
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE site_id = $1`, site).Scan(&rows))
		require.Equal(t, int64(3), rows, site)
	}
}

package processor_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// The processor counts an event on its date in the site's time zone, and merges a visitor's events into
// visits even when the event that joins two of them comes last.
func TestApplyCountsLocalDaysAndVisits(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO sites (site_id, time_zone) VALUES ('s', 'Asia/Kolkata')`)
	require.NoError(t, err)
	store := processor.NewStore(pool)
	_, err = store.Apply(ctx, []event.Event{
		ev("1", "s", event.PageView, "/a", "u", "2025-11-12T18:00:00Z"), // 23:30 in Kolkata
		ev("3", "s", event.PageView, "/c", "u", "2025-11-12T18:50:00Z"), // 00:20 on the 13th; the one at 18:25 is 23:55 on the 12th
	})
	require.NoError(t, err)
	_, err = store.Apply(ctx, []event.Event{ev("2", "s", event.PageView, "/b", "u", "2025-11-12T18:25:00Z")})
	require.NoError(t, err)

	require.Equal(t, int64(2), readDay(t, pool, "s", "2025-11-12").views)
	require.Equal(t, int64(1), readDay(t, pool, "s", "2025-11-13").views)
	var visits, pageviews int64
	var entry, exit string
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) OVER (), pageviews, entry_page, exit_page FROM visits WHERE site_id = 's'`).
		Scan(&visits, &pageviews, &entry, &exit))
	require.Equal(t, []any{int64(1), int64(3), "/a", "/c"}, []any{visits, pageviews, entry, exit})
}

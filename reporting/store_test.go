package reporting_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// TestStatsOneSnapshot reads a site-day while the processor's statement advances it commit after commit.
// Every page view goes to one of fewer than 10 paths, so in any one snapshot total_views equals the sum
// of the top paths' views; an answer put together from two snapshots shows a difference.
func TestStatsOneSnapshot(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	writer, store := processor.NewStore(pool), reporting.NewStore(pool)
	day := time.Date(2025, 11, 12, 0, 0, 0, 0, time.UTC)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var wg sync.WaitGroup
	wg.Go(func() {
		for n := 0; ctx.Err() == nil; n++ {
			batch := make([]event.Event, 3)
			for i := range batch {
				id := fmt.Sprint(n, "-", i)
				batch[i] = event.Event{EventID: id, SiteID: "s", EventType: event.PageView, Path: fmt.Sprint("/p", (n+i)%5),
					Timestamp: day.Add(time.Duration(n) * time.Millisecond)}
			}
			if _, err := writer.Apply(ctx, batch); err != nil && ctx.Err() == nil {
				t.Errorf("apply: %v", err)
				return
			}
		}
	})
	defer wg.Wait()
	defer cancel()

	const reads = 3000
	for i := range reads {
		stats, err := store.Stats(ctx, "s", day)
		require.NoError(t, err)
		var paths int64
		for _, p := range stats.TopPaths {
			paths += p.Views
		}
		require.Equal(t, stats.TotalViews, paths, "read %d of %d: total_views and top_paths from different snapshots: %+v", i+1, reads, stats)
	}
}

package processor_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// The batcher drops repeated events before writing a batch; an id repeated by another site is not one.
func TestBatcherKeepsTheSameIDFromTwoSites(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	b := processor.NewBatcher(processor.NewStore(pool), 100, 10*time.Millisecond, 1, time.Minute)
	startBatcher(t, b)

	// One message, so that all its events are in the same batch.
	require.NoError(t, b.Submit(context.Background(), []event.Event{
		ev("same", "a", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
		ev("same", "b", event.PageView, "/b", "u1", "2025-11-12T10:00:00Z"),
		ev("same", "a", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
	}))

	siteA, siteB := readDay(t, pool, "a", "2025-11-12"), readDay(t, pool, "b", "2025-11-12")
	require.Equal(t, map[string]int64{"/a": 1}, siteA.paths, "site a's repeat counts once")
	require.Equal(t, map[string]int64{"/b": 1}, siteB.paths, "site b's event is kept")
	require.Equal(t, int64(1), siteB.users)
}

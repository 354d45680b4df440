package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/projections"
)

// Days whose raw events retention may have deleted cannot be recomputed: a rebuild leaves them as they are
// and says from which day it rebuilt.
func TestRebuildLeavesExpiredDaysAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)
	_, err := projections.Apply(ctx, pool, []event.Event{
		page("1", "s", "/a", "u", "2025-11-01T08:00:00Z"),
		page("2", "s", "/b", "u", "2025-11-01T20:00:00Z"),
		page("3", "s", "/c", "u", "2025-11-02T09:00:00Z"),
	})
	require.NoError(t, err)
	applied := projectionRows(t, pool, "s")
	cutoff := at("2025-11-01T12:00:00Z")
	deleted, err := processor.NewRetention(pool, time.Hour, 10).Run(ctx, cutoff.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, int64(1), deleted)

	var progress []projections.Progress
	require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{
		SiteID: "s", Progress: func(p projections.Progress) { progress = append(progress, p) },
	}))
	require.Equal(t, applied, projectionRows(t, pool, "s"), "the 1st keeps the event that expired; the 2nd is rebuilt")
	require.Equal(t, []projections.Progress{{SiteID: "s", Done: 1, Sites: 1, Events: 1,
		KeptFrom: time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC)}}, progress)
}

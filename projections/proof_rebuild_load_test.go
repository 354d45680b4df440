package projections_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/projectiontest"
	"github.com/analytics-pipeline/analytics/projections"
)

// loadEvents and loadWorkers size the rebuild-under-load test.
const (
	loadEvents  = 6000
	loadWorkers = 3
)

// Rebuilds of everything, of one site, and of a range of days, run again and again while processors keep
// applying new events (shuffled, duplicated) of the same sites and days; afterwards every projection row
// equals the oracle's over all events: a rebuild neither loses a batch committed during it nor counts one
// twice.
func TestProofRebuildUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	seed := proofSeed(t)
	rng := newRNG(seed)
	sites := projectiontest.Sites()
	pool := proofDatabase(t, sites)
	events := projectiontest.NewGenerator(rng, sites).Events(loadEvents)
	batches := projectiontest.Batches(rng, events, 40)
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return d
	}
	plans := []projections.RebuildOptions{
		{},
		{SiteID: "new-york"},
		{SiteID: "kolkata", From: day("2025-03-09"), To: day("2025-03-09")},
		{From: day("2025-11-01"), To: day("2025-11-02")},
		{SiteID: "unregistered", From: day("2025-03-09")},
		{SiteID: "London.UK", To: day("2025-03-08")},
	}

	// The rebuilds run one after another, each once its share of the batches has been queued; the queue
	// waits for rebuild n to have started before it goes past its share, so that every kind runs twice
	// with processors busy before and while it runs, however fast or slow the machine.
	began := time.Now()
	rounds := 2 * len(plans)
	var queued, started, finished atomic.Int64
	rebuildErr := make(chan error, 1)
	go func() {
		defer close(rebuildErr)
		for n := range rounds {
			for queued.Load() < int64(n*len(batches)/rounds) {
				time.Sleep(time.Millisecond)
			}
			started.Add(1)
			if err := projections.Rebuild(ctx, pool, plans[n%len(plans)]); err != nil {
				rebuildErr <- fmt.Errorf("rebuild %d %+v: %w", n, plans[n%len(plans)], err)
				started.Store(int64(rounds))
				return
			}
			finished.Add(1)
		}
	}()
	proofDeliver(t, pool.Config().ConnString(), loadWorkers, batches, func(i int) {
		queued.Store(int64(i))
		for started.Load() < int64((i+1)*rounds/len(batches)) {
			time.Sleep(time.Millisecond)
		}
	})
	during := finished.Load()
	require.NoError(t, <-rebuildErr, "seed %d", seed)

	got := requireProjections(t, pool, projectiontest.Expect(events, projectiontest.Zones(sites)), "seed %d: after %d rebuilds under load", seed, rounds)
	deliveries := 0
	for _, b := range batches {
		deliveries += len(b)
	}
	t.Logf("%d distinct events, %d deliveries in %d batches by %d processors; %d rebuilds, all started before the last batch was queued, %d finished before it was applied; in %s: %s",
		len(projectiontest.Distinct(events)), deliveries, len(batches), loadWorkers, rounds, during, time.Since(began).Round(time.Millisecond), got.Count())
}

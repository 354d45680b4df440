package projections_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/projectiontest"
	"github.com/analytics-pipeline/analytics/projections"
)

// proofRounds and proofEvents size the property test: each round a fresh event set of about proofEvents
// events, delivered by proofWorkers processors.
const (
	proofRounds  = 6
	proofEvents  = 1500
	proofWorkers = 4
)

// Whatever the delivery order, duplication and batching, and however many processors write at once,
// Apply leaves every projection row equal to the oracle's, and Rebuild computes the same rows from the raw
// events: over Apply's rows, from empty tables, and from empty tables one site and one day at a time in
// random order (a visit across midnight belongs to the day it starts).
func TestProofApplyEqualsOracleAndRebuild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	seed := proofSeed(t)
	rng := newRNG(seed)
	sites := projectiontest.Sites()
	zones := projectiontest.Zones(sites)
	pool := proofDatabase(t, sites)
	gen := projectiontest.NewGenerator(rng, sites)
	var distinct, deliveries, batchCount, bridges int
	began := time.Now()
	for round := range proofRounds {
		_, err := pool.Exec(ctx, `TRUNCATE events, daily_aggregates, daily_event_types, daily_path_views, daily_unique_users, visits, hourly_visitors`)
		require.NoError(t, err)
		events := gen.Events(proofEvents/2 + rng.IntN(proofEvents))
		batches := projectiontest.Batches(rng, events, 5+rng.IntN(56))
		proofDeliver(t, pool.Config().ConnString(), proofWorkers, batches, nil)
		want := projectiontest.Expect(events, zones)
		requireProjections(t, pool, want, "seed %d round %d: after Apply", seed, round)

		require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{}))
		requireProjections(t, pool, want, "seed %d round %d: after Rebuild over Apply's rows", seed, round)
		_, err = pool.Exec(ctx, `TRUNCATE daily_aggregates, daily_event_types, daily_path_views, daily_unique_users, visits, hourly_visitors`)
		require.NoError(t, err)
		require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{}))
		got := requireProjections(t, pool, want, "seed %d round %d: after Rebuild from empty projections", seed, round)
		rebuildDayByDay(t, pool, rng, projectiontest.SiteDays(events, zones))
		requireProjections(t, pool, want, "seed %d round %d: after Rebuild of each site and day, in random order, from empty projections", seed, round)

		distinct += len(projectiontest.Distinct(events))
		batchCount += len(batches)
		bridges += projectiontest.Bridges(batches)
		for _, b := range batches {
			deliveries += len(b)
		}
		t.Logf("round %d: %d events, %s", round, len(events), got.Count())
	}
	t.Logf("%d rounds: %d distinct events, %d deliveries in %d batches by %d processors, %d bridging arrivals, in %s",
		proofRounds, distinct, deliveries, batchCount, proofWorkers, bridges, time.Since(began).Round(time.Millisecond))
	// The hardest case must have been exercised, not only possible: an arrival that joins two stored visits.
	require.Positive(t, bridges, "no delivery joined two stored visits: the generator no longer exercises merges")
}

// rebuildDayByDay empties the projections and rebuilds each site's days one at a time, in random order.
func rebuildDayByDay(t *testing.T, pool *pgxpool.Pool, rng *rand.Rand, days map[string][]time.Time) {
	t.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, `TRUNCATE daily_aggregates, daily_event_types, daily_path_views, daily_unique_users, visits, hourly_visitors`)
	require.NoError(t, err)
	var plans []projections.RebuildOptions
	for site, ds := range days {
		for _, d := range ds {
			plans = append(plans, projections.RebuildOptions{SiteID: site, From: d, To: d})
		}
	}
	rng.Shuffle(len(plans), func(i, j int) { plans[i], plans[j] = plans[j], plans[i] })
	for _, p := range plans {
		require.NoError(t, projections.Rebuild(ctx, pool, p))
	}
}

package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/projectiontest"
	"github.com/analytics-pipeline/analytics/projections"
)

// When a site's zone changes (admin sites update -time-zone commits it, then rebuilds the site), Rebuild of
// that site alone recomputes every projection in the new zone's days and hours, and leaves the other sites
// as they were: a registered New York site moves to St. John's (-03:30, its own DST), the unregistered
// site is registered in Kolkata.
func TestProofZoneChangeRebuild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	seed := proofSeed(t)
	rng := newRNG(seed)
	sites := projectiontest.Sites()
	pool := proofDatabase(t, sites)
	events := projectiontest.NewGenerator(rng, sites).Events(3000)
	proofDeliver(t, pool.Config().ConnString(), 2, projectiontest.Batches(rng, events, 50), nil)
	zones := projectiontest.Zones(sites)
	requireProjections(t, pool, projectiontest.Expect(events, zones), "seed %d: before the zones change", seed)

	stJohns, err := time.LoadLocation("America/St_Johns")
	require.NoError(t, err)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE sites SET time_zone = 'America/St_Johns' WHERE site_id = 'new-york'`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO sites (site_id, time_zone) VALUES ('unregistered', 'Asia/Kolkata')`)
	require.NoError(t, err)
	zones["new-york"], zones["unregistered"] = stJohns, kolkata
	want := projectiontest.Expect(events, zones)
	got, err := projectiontest.Read(ctx, pool)
	require.NoError(t, err)
	require.NotEmpty(t, projectiontest.Diff(want, got), "seed %d: the new zones must change the projections", seed)

	for _, site := range []string{"new-york", "unregistered"} {
		require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{SiteID: site}))
	}
	requireProjections(t, pool, want, "seed %d: after rebuilding the two sites in their new zones", seed)
}

package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// measureDrain starts the processor with startProcessor on a broker that already holds want events and
// returns how many it stored and the events per second from its start until the projections count want
// events.
func measureDrain(ctx context.Context, url string, startProcessor func() error, want int64) (int64, float64, error) {
	start := time.Now()
	if err := startProcessor(); err != nil {
		return 0, 0, err
	}
	stored, err := waitCounted(ctx, url, want)
	if err != nil {
		return stored, 0, err
	}
	return stored, float64(stored) / time.Since(start).Seconds(), nil
}

// liveResult is a load processed while it is ingested.
type liveResult struct {
	Events   int64         // events acknowledged and counted
	Ingested time.Duration // from the first request to the last acknowledgement
	Counted  time.Duration // from the first request to the last event counted
}

// measureLive waits until the projections count the before events already acknowledged, then sends n
// more through ingestion with the processor running and times until they are all counted too.
func measureLive(ctx context.Context, s *cluster.Stack, before int64, n int) (liveResult, error) {
	if _, err := waitCounted(ctx, s.Postgres.URL, before); err != nil {
		return liveResult{}, err
	}
	start := time.Now()
	res := cluster.Load{URL: s.IngestionURL, Events: n, Batch: 100, Workers: 8, Prefix: "live"}.Run(ctx, nil)
	if len(res.Acked) < n {
		return liveResult{}, fmt.Errorf("%d of %d events acknowledged", len(res.Acked), n)
	}
	ingested := time.Since(start)
	if _, err := waitCounted(ctx, s.Postgres.URL, before+int64(n)); err != nil {
		return liveResult{}, err
	}
	return liveResult{Events: int64(n), Ingested: ingested, Counted: time.Since(start)}, nil
}

// stallTimeout is how long the count may stand still before the benchmark gives up.
const stallTimeout = 2 * time.Minute

// waitCounted waits until the projections count at least want events, and returns their count.
func waitCounted(ctx context.Context, url string, want int64) (int64, error) {
	n, err := cluster.WaitCounted(ctx, url, want, 10*time.Millisecond, stallTimeout)
	if err != nil {
		return n, fmt.Errorf("%w (see the processor's log in the bench directory)", err)
	}
	return n, nil
}

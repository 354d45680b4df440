package processor

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/projections"
)

// keepProjected advances visits and hourly_visitors from the events the processors queue
// (projections.Project), chunk after chunk while chunks come back full, and every interval once the
// queue is empty, until ctx is cancelled. Every processor runs it; the projector lock makes them take
// turns, so a chunk is projected by one of them. A failed chunk is logged and tried again after interval:
// its events stay queued.
func keepProjected(ctx context.Context, pool *pgxpool.Pool, chunk int, interval time.Duration, measured *batchMetrics, log *slog.Logger) {
	for {
		start := time.Now()
		n, err := projections.Project(ctx, pool, chunk)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Error("projecting queued events failed; they stay queued", "error", err)
		case n > 0:
			measured.chunk.Observe(time.Since(start).Seconds())
			measured.visited.Add(float64(n))
			log.Debug("queued events projected", "events", n, "duration", time.Since(start).Round(time.Millisecond))
		}
		if err == nil && n == chunk {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

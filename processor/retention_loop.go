package processor

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// keepRetained runs retention at once and then every interval until ctx is cancelled. A run that
// another processor's run already covers, or that fails, is logged and tried again at the next tick.
func keepRetained(ctx context.Context, retention *Retention, interval time.Duration, log *slog.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		start := time.Now()
		deleted, err := retention.Run(ctx, start)
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, ErrRetentionBusy):
			log.Debug("raw-event retention skipped: another run is in progress")
		case err != nil:
			log.Error("raw-event retention failed", "deleted", deleted, "error", err)
		default:
			log.Info("raw-event retention done", "deleted", deleted, "max_age", retention.maxAge,
				"duration", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

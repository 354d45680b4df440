package sites

import (
	"context"
	"log/slog"
	"time"
)

// KeepFresh calls refresh every interval until ctx ends: how a replica keeps its cached view of the
// sites (Zones, Origins, ingestion's visitors) within interval of Postgres. A failed refresh is logged
// as warning with msg, and the values read before keep serving.
func KeepFresh(ctx context.Context, interval time.Duration, refresh func(context.Context) error, log *slog.Logger, msg string) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		if err := refresh(ctx); err != nil && ctx.Err() == nil {
			log.Warn(msg, "err", err)
		}
	}
}

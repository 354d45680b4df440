package processor

import (
	"context"
	"log/slog"
	"time"

	"github.com/analytics-pipeline/analytics/messaging"
)

// reportQueue logs the broker's queue status (length, pending count, lag, as the broker can tell) every
// interval until ctx ends, so that an operator sees from the logs alone whether the processor keeps up.
func reportQueue(ctx context.Context, interval time.Duration, broker *messaging.Broker, log *slog.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		status, err := broker.Status(ctx)
		if err != nil {
			log.Warn("queue status", "err", err)
			continue
		}
		log.Info("queue status", "queue", status)
	}
}

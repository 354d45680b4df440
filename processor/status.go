package processor

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/analytics-pipeline/analytics/messaging"
)

// reportQueue logs the stream's length, the group's pending count and its lag every interval until ctx
// ends, so that an operator sees from the logs alone whether the processor keeps up.
func reportQueue(ctx context.Context, interval time.Duration, client *redis.Client, cfg messaging.Config, log *slog.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		status, err := messaging.QueueStatus(ctx, client, cfg.Stream, cfg.ConsumerGroup)
		if err != nil {
			log.Warn("queue status", "err", err)
			continue
		}
		log.Info("queue status", "length", status.Length, "pending", status.Pending, "lag", status.Lag, "consumers", len(status.Consumers))
	}
}

package messaging

import (
	"context"
	"log/slog"
	"time"
)

// trimmer is a backend whose topic grows until the project trims it: Redis. A Kafka topic is bounded by
// the topic's own retention, and the memory broker forgets a message once it is acknowledged.
type trimmer interface {
	keepTrimmed(ctx context.Context, log *slog.Logger)
}

// KeepTrimmed trims the Redis stream every STREAM_TRIM_INTERVAL of the entries every consumer group has
// acknowledged and that are older than STREAM_RETENTION (see TrimStream), until ctx ends. A processor runs
// it; several processors doing so at once is safe. With Kafka or memory it returns at once.
func (b *Broker) KeepTrimmed(ctx context.Context) {
	if t, ok := b.backend.(trimmer); ok {
		t.keepTrimmed(ctx, b.log)
	}
}

func (r *redisBackend) keepTrimmed(ctx context.Context, log *slog.Logger) {
	ticker := time.NewTicker(r.cfg.StreamTrimInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		removed, err := TrimStream(ctx, r.client, r.cfg.Stream, r.cfg.ConsumerGroup, r.cfg.StreamRetention)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("trim the stream; retrying at the next interval", "stream", r.cfg.Stream, "err", err)
		case removed > 0:
			log.Debug("stream trimmed", "stream", r.cfg.Stream, "removed", removed)
		}
	}
}

package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/analytics-pipeline/analytics/internal/cluster"
	"github.com/analytics-pipeline/analytics/messaging"
)

// measureProcessing starts the processor on a stream that already holds at least want events and returns
// how many it stored and the events per second from its start until the group has read and acknowledged
// the stream's last entry.
func measureProcessing(ctx context.Context, s *cluster.Stack, want int64) (int64, float64, error) {
	client := redis.NewClient(&redis.Options{Addr: s.RedisAddr()})
	defer client.Close()
	last, err := client.XRevRangeN(ctx, "events", "+", "-", 1).Result()
	if err != nil || len(last) == 0 {
		return 0, 0, fmt.Errorf("read the stream's last entry: %v", err)
	}
	start := time.Now()
	if err := s.Processor.Start(); err != nil {
		return 0, 0, err
	}
	for {
		status, err := messaging.QueueStatus(ctx, client, "events", "processor_events")
		if err == nil && status.LastDeliveredID == last[0].ID && status.Pending == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	elapsed := time.Since(start)
	stored, err := countedEvents(ctx, s.Postgres.URL)
	if err != nil {
		return 0, 0, err
	}
	if stored < want {
		return stored, 0, fmt.Errorf("processed %d events, ingestion acknowledged %d", stored, want)
	}
	return stored, float64(stored) / elapsed.Seconds(), nil
}

// countedEvents is how many events the projections hold (kept exactly in step with the raw table).
func countedEvents(ctx context.Context, url string) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT coalesce(sum(total_events), 0) FROM daily_aggregates`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	return n, nil
}

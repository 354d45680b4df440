package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/analytics-pipeline/analytics/internal/cluster"
	"github.com/analytics-pipeline/analytics/messaging"
)

const (
	// streamMemoryTarget is the most used_memory may grow over the load: within 2× its value before.
	streamMemoryTarget = 2.0
	// streamChunk is how many events one load of the figure sends, so that the client holds no more.
	streamChunk = 500_000
	// streamWarmUp is a first load sent before "before" is read, so that every service has opened its
	// Redis connections (their buffers are Redis memory that does not grow with the events).
	streamWarmUp = 10_000
	// trimSettle bounds the wait for the processors to trim the stream empty once everything is counted
	// and acknowledged: many STREAM_TRIM_INTERVALs. A stream that is never trimmed is measured when it
	// runs out.
	trimSettle = 10 * time.Second
)

// streamMemory measures Redis's used_memory before a load of cfg.StreamEvents events (packed, 100 per
// request) and after the processor has acknowledged them and the stream is trimmed, with the default
// STREAM_RETENTION (0s). "Before" is once a warm-up load and every earlier figure's events are
// acknowledged and the stream trimmed (a stream that is never trimmed holds them all then: with -only
// streammem, only the warm-up).
func (m *measurement) streamMemory(ctx context.Context) error {
	if m.stack.Broker != cluster.BrokerRedis {
		return nil
	}
	client := redis.NewClient(&redis.Options{Addr: fmt.Sprint("127.0.0.1:", m.stack.Redis.Port)})
	defer client.Close()
	if err := m.startIngestion(); err != nil {
		return err
	}
	if err := m.start(m.stack.Processor); err != nil {
		return err
	}
	stream := streamName(m.stack.Env)
	if err := m.streamLoad(ctx, client, stream, streamWarmUp, "streammem-warmup"); err != nil {
		return err
	}
	if _, err := waitTrimmed(ctx, client, stream); err != nil {
		return err
	}
	before, err := usedMemory(ctx, client)
	if err != nil {
		return err
	}
	n := m.cfg.StreamEvents
	logf(m.cfg, "Redis memory: %d events in requests of 100, processed as they come (used_memory before: %s)", n, mib(before))
	for from := 0; from < n; from += streamChunk {
		if err := m.streamLoad(ctx, client, stream, min(streamChunk, n-from), fmt.Sprint("streammem-", from)); err != nil {
			return err
		}
	}
	length, err := waitTrimmed(ctx, client, stream)
	if err != nil {
		return err
	}
	after, err := usedMemory(ctx, client)
	if err != nil {
		return err
	}
	streamBytes, err := client.MemoryUsage(ctx, stream).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("memory usage of %s: %w", stream, err)
	}
	ratio := float64(after) / float64(before)
	m.add(Row{
		Figure: fmt.Sprintf("Redis memory after %d events processed, STREAM_RETENTION=0s", n),
		Measured: fmt.Sprintf("used_memory %s (before the load %s); stream: %d entries, %s", mib(after), mib(before),
			length, mib(streamBytes)),
		Against: fmt.Sprintf("target within %.0f× its value before the load", streamMemoryTarget),
		Ratio:   fmt.Sprintf("%.2f", ratio), Met: ratio <= streamMemoryTarget,
	})
	return nil
}

// streamLoad sends n events, 100 per request, and waits until the processor has acknowledged every entry
// of the stream (it acknowledges an entry once its events are committed). It does not count the
// projections: the /stats figure replaces them.
func (m *measurement) streamLoad(ctx context.Context, client *redis.Client, stream string, n int, prefix string) error {
	res := cluster.Load{URL: m.stack.IngestionURL, Events: n, Batch: 100, Workers: 8, Prefix: prefix}.Run(ctx, nil)
	if len(res.Acked) < n {
		return fmt.Errorf("%d of %d events acknowledged", len(res.Acked), n)
	}
	m.ingested += int64(n)
	return waitAcknowledged(ctx, client, stream)
}

// waitAcknowledged waits until the processors' group has read every entry of stream and has none
// pending, giving up when its progress stands still for stallTimeout.
func waitAcknowledged(ctx context.Context, client *redis.Client, stream string) error {
	var last messaging.Status
	progressed := time.Now()
	for {
		status, err := messaging.QueueStatus(ctx, client, stream, groupName)
		if err != nil {
			return err
		}
		if status.GroupExists && status.Lag == 0 && status.Pending == 0 {
			return nil
		}
		if status.EntriesRead != last.EntriesRead || status.Pending != last.Pending {
			last, progressed = status, time.Now()
		} else if time.Since(progressed) > stallTimeout {
			return fmt.Errorf("stream %s: lag %d, pending %d, no progress for %s (see the processor's log in the bench directory)",
				stream, status.Lag, status.Pending, stallTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// waitTrimmed waits up to trimSettle for stream to be empty (once all is acknowledged, the trimmer's
// MINID is past every entry, so approximate trimming removes every node) and returns its length then.
func waitTrimmed(ctx context.Context, client *redis.Client, stream string) (int64, error) {
	deadline := time.Now().Add(trimSettle)
	for {
		length, err := client.XLen(ctx, stream).Result()
		if err != nil {
			return 0, fmt.Errorf("xlen %s: %w", stream, err)
		}
		if length == 0 || time.Now().After(deadline) {
			return length, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// usedMemory returns Redis's used_memory (INFO memory).
func usedMemory(ctx context.Context, client *redis.Client) (int64, error) {
	info, err := client.Info(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("info memory: %w", err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("info memory: no used_memory in %q", info)
}

// groupName is the processors' consumer group: the stack runs them with the default.
const groupName = "processor_events"

// streamName is REDIS_STREAM_NAME in the services' environment, or its default.
func streamName(env []string) string {
	name := "events"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "REDIS_STREAM_NAME="); ok {
			name = v
		}
	}
	return name
}

func mib(bytes int64) string {
	return fmt.Sprintf("%.1f MiB", float64(bytes)/(1<<20))
}

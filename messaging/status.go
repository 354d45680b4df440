package messaging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Status is a snapshot of a stream and one consumer group on it, read atomically.
type Status struct {
	Stream string `json:"stream"`
	Group  string `json:"group"`
	// Length is how many entries the stream holds (XLEN); 0 when the stream does not exist.
	Length int64 `json:"length"`
	// MemoryBytes is the memory the stream's key uses in Redis (MEMORY USAGE, which estimates a long
	// stream from a sample of its nodes); 0 when the stream does not exist.
	MemoryBytes int64 `json:"memory_bytes"`
	// GroupExists is false when the group was never created (no processor has read the stream yet).
	GroupExists bool `json:"group_exists"`
	// Pending is how many entries the group was handed and has not acknowledged yet.
	Pending int64 `json:"pending"`
	// Lag is how many entries still wait to be handed to the group: -1 when Redis cannot tell (or is
	// older than 7, or the group does not exist), 0 when the stream does not exist.
	Lag int64 `json:"lag"`
	// EntriesRead is how many entries the group was handed over its life; -1 when Redis cannot tell.
	EntriesRead     int64            `json:"entries_read"`
	LastDeliveredID string           `json:"last_delivered_id"`
	Consumers       []ConsumerStatus `json:"consumers"`
}

// ConsumerStatus is one consumer of the group.
type ConsumerStatus struct {
	Name string `json:"name"`
	// Pending is how many entries this consumer holds unacknowledged.
	Pending int64 `json:"pending"`
	// Idle is the time since the consumer last read or claimed; JSON carries it as idle_ms.
	Idle time.Duration `json:"-"`
}

// MarshalJSON writes the consumer with its idle time in milliseconds.
func (c ConsumerStatus) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name    string `json:"name"`
		Pending int64  `json:"pending"`
		IdleMS  int64  `json:"idle_ms"`
	}{c.Name, c.Pending, c.Idle.Milliseconds()})
}

// String renders the status for a terminal, one consumer per line.
func (s Status) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stream %s: length %d, memory %d bytes\n", s.Stream, s.Length, s.MemoryBytes)
	if !s.GroupExists {
		fmt.Fprintf(&b, "group %s: does not exist\n", s.Group)
		return b.String()
	}
	fmt.Fprintf(&b, "group %s: pending %d, lag %s, entries read %s, last delivered %s\n",
		s.Group, s.Pending, orUnknown(s.Lag), orUnknown(s.EntriesRead), s.LastDeliveredID)
	for _, c := range s.Consumers {
		fmt.Fprintf(&b, "  consumer %s: pending %d, idle %s\n", c.Name, c.Pending, c.Idle)
	}
	return b.String()
}

// LogValue logs the status as a group; consumers are summed up as their count.
func (s Status) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("stream", s.Stream),
		slog.String("group", s.Group),
		slog.Int64("length", s.Length),
		slog.Int64("memory_bytes", s.MemoryBytes),
		slog.Bool("group_exists", s.GroupExists),
		slog.Int64("pending", s.Pending),
		slog.Int64("lag", s.Lag),
		slog.Int64("entries_read", s.EntriesRead),
		slog.Int("consumers", len(s.Consumers)),
	)
}

func orUnknown(n int64) string {
	if n < 0 {
		return "unknown"
	}
	return strconv.FormatInt(n, 10)
}

// QueueStatus reads the length and memory of stream, and the pending count, lag and consumers of group on it, in
// one MULTI/EXEC. A stream or group that does not exist is reported as empty, not as an error.
func QueueStatus(ctx context.Context, client *redis.Client, stream, group string) (Status, error) {
	status := Status{Stream: stream, Group: group, Lag: -1, EntriesRead: -1}
	pipe := client.TxPipeline()
	length := pipe.XLen(ctx, stream)
	memory := pipe.MemoryUsage(ctx, stream)
	groups := pipe.Do(ctx, "XINFO", "GROUPS", stream)
	consumers := pipe.XInfoConsumers(ctx, stream, group)
	_, _ = pipe.Exec(ctx)

	var err error
	if status.Length, err = length.Result(); err != nil {
		return Status{}, fmt.Errorf("xlen %s: %w", stream, err)
	}
	if status.MemoryBytes, err = memory.Result(); err != nil && !errors.Is(err, redis.Nil) {
		return Status{}, fmt.Errorf("memory usage %s: %w", stream, err)
	}
	infos, err := groups.Slice()
	if isRedisError(err, "ERR no such key") {
		status.Lag, status.EntriesRead = 0, 0
		return status, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("xinfo groups %s: %w", stream, err)
	}
	for _, info := range infos {
		fields := redisFields(info)
		if name, _ := fields["name"].(string); name == group {
			status.GroupExists = true
			status.Pending, _ = fields["pending"].(int64)
			status.LastDeliveredID, _ = fields["last-delivered-id"].(string)
			if lag, ok := fields["lag"].(int64); ok {
				status.Lag = lag
			}
			if read, ok := fields["entries-read"].(int64); ok {
				status.EntriesRead = read
			}
		}
	}
	if !status.GroupExists {
		status.EntriesRead = 0
		return status, nil
	}

	list, err := consumers.Result()
	if isRedisError(err, "NOGROUP") || isRedisError(err, "ERR no such key") {
		return status, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("xinfo consumers %s %s: %w", stream, group, err)
	}
	for _, c := range list {
		status.Consumers = append(status.Consumers, ConsumerStatus{Name: c.Name, Pending: c.Pending, Idle: c.Idle})
	}
	return status, nil
}

// redisFields turns one XINFO reply entry into a map: RESP3 sends a map, RESP2 a flat list of
// alternating keys and values. A field Redis leaves out (lag before Redis 7) is absent from the map,
// one it reports as null is nil.
func redisFields(reply any) map[string]any {
	fields := map[string]any{}
	switch r := reply.(type) {
	case map[any]any:
		for k, v := range r {
			if key, ok := k.(string); ok {
				fields[key] = v
			}
		}
	case []any:
		for i := 0; i+1 < len(r); i += 2 {
			if key, ok := r[i].(string); ok {
				fields[key] = r[i+1]
			}
		}
	}
	return fields
}

// isRedisError reports whether err is an error reply from Redis starting with prefix.
func isRedisError(err error, prefix string) bool {
	var redisErr redis.Error
	return errors.As(err, &redisErr) && strings.HasPrefix(redisErr.Error(), prefix)
}

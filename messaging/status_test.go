package messaging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// addEntries appends n entries to stream.
func addEntries(t *testing.T, client *redis.Client, stream string, n int) {
	t.Helper()
	for range n {
		require.NoError(t, client.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: map[string]any{"k": "v"}}).Err())
	}
}

// readAs makes consumer of group read n entries of stream and acknowledge the first acked of them.
func readAs(t *testing.T, client *redis.Client, stream, group, consumer string, n, acked int) {
	t.Helper()
	ctx := context.Background()
	streams, err := client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: int64(n), Block: -1,
	}).Result()
	require.NoError(t, err)
	require.Len(t, streams[0].Messages, n)
	for _, msg := range streams[0].Messages[:acked] {
		require.NoError(t, client.XAck(ctx, stream, group, msg.ID).Err())
	}
}

func TestQueueStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		prepare func(t *testing.T, client *redis.Client, stream, group string)
		want    messaging.Status
	}{
		{
			name:    "missing_stream",
			prepare: func(*testing.T, *redis.Client, string, string) {},
			want:    messaging.Status{},
		},
		{
			name: "missing_group",
			prepare: func(t *testing.T, client *redis.Client, stream, _ string) {
				addEntries(t, client, stream, 2)
			},
			want: messaging.Status{Length: 2, Lag: -1},
		},
		{
			name: "group_reading",
			prepare: func(t *testing.T, client *redis.Client, stream, group string) {
				addEntries(t, client, stream, 5)
				require.NoError(t, client.XGroupCreate(context.Background(), stream, group, "0").Err())
				readAs(t, client, stream, group, "c1", 2, 1)
				readAs(t, client, stream, group, "c2", 2, 0)
			},
			want: messaging.Status{
				Length: 5, GroupExists: true, Pending: 3, Lag: 1, EntriesRead: 4,
				Consumers: []messaging.ConsumerStatus{{Name: "c1", Pending: 1}, {Name: "c2", Pending: 2}},
			},
		},
		{
			name: "group_caught_up",
			prepare: func(t *testing.T, client *redis.Client, stream, group string) {
				addEntries(t, client, stream, 2)
				require.NoError(t, client.XGroupCreate(context.Background(), stream, group, "0").Err())
				readAs(t, client, stream, group, "c1", 2, 2)
			},
			want: messaging.Status{
				Length: 2, GroupExists: true, Lag: 0, EntriesRead: 2,
				Consumers: []messaging.ConsumerStatus{{Name: "c1"}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Messaging(t)
			client := testenv.RedisClient(t, cfg)
			tc.prepare(t, client, cfg.Stream, cfg.ConsumerGroup)

			got, err := messaging.QueueStatus(context.Background(), client, cfg.Stream, cfg.ConsumerGroup)
			require.NoError(t, err)

			require.Equal(t, cfg.Stream, got.Stream)
			require.Equal(t, cfg.ConsumerGroup, got.Group)
			for i := range got.Consumers {
				require.GreaterOrEqual(t, got.Consumers[i].Idle, time.Duration(0))
				got.Consumers[i].Idle = 0
			}
			if got.Length > 0 {
				require.Positive(t, got.MemoryBytes, "MEMORY USAGE of the stream")
				got.MemoryBytes = 0
			}
			if got.GroupExists {
				require.NotEmpty(t, got.LastDeliveredID)
				got.LastDeliveredID = ""
			}
			want := tc.want
			want.Stream, want.Group = cfg.Stream, cfg.ConsumerGroup
			require.Equal(t, want, got)
		})
	}
}

func TestStatusRendersForTerminalsLogsAndJSON(t *testing.T) {
	t.Parallel()
	status := messaging.Status{
		Stream: "events", Group: "processor_events", Length: 7, MemoryBytes: 1024, GroupExists: true, Pending: 2, Lag: -1,
		EntriesRead: 5, LastDeliveredID: "5-0", Consumers: []messaging.ConsumerStatus{{Name: "host-0", Pending: 2}},
	}
	require.Equal(t, "stream events: length 7, memory 1024 bytes\n"+
		"group processor_events: pending 2, lag unknown, entries read 5, last delivered 5-0\n"+
		"  consumer host-0: pending 2, idle 0s\n", status.String())

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("queue", "status", status)
	var line struct {
		Status map[string]any `json:"status"`
	}
	require.NoError(t, json.Unmarshal(logged.Bytes(), &line))
	require.Equal(t, map[string]any{
		"stream": "events", "group": "processor_events", "length": 7.0, "memory_bytes": 1024.0, "group_exists": true,
		"pending": 2.0, "lag": -1.0, "entries_read": 5.0, "consumers": 1.0,
	}, line.Status)

	encoded, err := json.Marshal(status)
	require.NoError(t, err)
	require.JSONEq(t, `{"stream":"events","group":"processor_events","length":7,"memory_bytes":1024,"group_exists":true,"pending":2,
		"lag":-1,"entries_read":5,"last_delivered_id":"5-0","consumers":[{"name":"host-0","pending":2,"idle_ms":0}]}`,
		string(encoded))
}

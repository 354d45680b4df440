package admin_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

func TestQueueStatusPrintsTheGroupsProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := admin.Config{DatabaseURL: "unused by queue status", Messaging: testenv.Messaging(t)}
	stream, group := cfg.Messaging.Stream, cfg.Messaging.ConsumerGroup
	client := testenv.RedisClient(t, cfg.Messaging)
	for range 3 {
		require.NoError(t, client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: map[string]any{"k": "v"}}).Err())
	}
	require.NoError(t, client.XGroupCreate(ctx, stream, group, "0").Err())
	read, err := client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: "processor-0", Streams: []string{stream, ">"}, Count: 1, Block: -1,
	}).Result()
	require.NoError(t, err)
	require.Len(t, read[0].Messages, 1)

	text, err := runAdmin(t, cfg, "queue", "status")
	require.NoError(t, err)
	require.Regexp(t, `^stream `+stream+`: length 3, memory [1-9]\d* bytes\n`+
		`group `+group+`: pending 1, lag 2, entries read 1, last delivered `+read[0].Messages[0].ID+`\n`+
		`  consumer processor-0: pending 1, idle \S+\n$`, text)

	encoded, err := runAdmin(t, cfg, "queue", "status", "-json")
	require.NoError(t, err)
	var status messaging.Status
	require.NoError(t, json.Unmarshal([]byte(encoded), &status))
	require.Equal(t, int64(3), status.Length)
	require.Positive(t, status.MemoryBytes, "MEMORY USAGE of the stream")
	require.Equal(t, int64(1), status.Pending)
	require.Equal(t, int64(2), status.Lag)
	require.Len(t, status.Consumers, 1)
	require.Equal(t, "processor-0", status.Consumers[0].Name)
}

func TestQueueStatusOfAStreamThatDoesNotExist(t *testing.T) {
	t.Parallel()
	cfg := admin.Config{DatabaseURL: "unused by queue status", Messaging: testenv.Messaging(t)}

	text, err := runAdmin(t, cfg, "queue", "status")
	require.NoError(t, err)
	require.Equal(t, "stream "+cfg.Messaging.Stream+": length 0, memory 0 bytes\ngroup "+cfg.Messaging.ConsumerGroup+": does not exist\n", text)
}

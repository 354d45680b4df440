package processor_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
)

// TestProcessorTrimsTheStreamOnceProcessed: with STREAM_RETENTION=0 a running processor trims the
// entries it has acknowledged, so the stream is left with at most one stream node's worth of them.
func TestProcessorTrimsTheStreamOnceProcessed(t *testing.T) {
	t.Parallel()
	const entries = 500
	msgCfg := testenv.Messaging(t)
	cfg := processor.Config{DatabaseURL: testenv.ProcessorDatabaseURL(t, msgCfg), Concurrency: 4, Messaging: msgCfg,
		ShutdownTimeout: 5 * time.Second}
	client := testenv.RedisClient(t, cfg.Messaging)
	ctx := context.Background()
	publisher := messaging.NewRedisPublisher(client, time.Second)
	for i := range entries {
		payload, err := event.Marshal([]event.Event{ev(fmt.Sprint("trim-", i), "s", event.PageView, "/", "", "2025-11-12T10:00:00Z")})
		require.NoError(t, err)
		require.NoError(t, publisher.Publish(cfg.Messaging.Stream, message.NewMessage(watermill.NewUUID(), payload)))
	}
	node, err := client.ConfigGet(ctx, "stream-node-max-entries").Result()
	require.NoError(t, err)
	nodeEntries, err := strconv.ParseInt(node["stream-node-max-entries"], 10, 64)
	require.NoError(t, err)

	p := startProcessor(t, cfg)

	require.Eventually(t, func() bool { return p.Handled() == entries }, time.Minute, 10*time.Millisecond,
		"the processor did not handle the %d entries", entries)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		length, err := client.XLen(ctx, cfg.Messaging.Stream).Result()
		require.NoError(c, err)
		assert.Less(c, length, nodeEntries, "entries left in the stream, of %d all acknowledged", entries)
	}, 30*time.Second, 50*time.Millisecond)
}

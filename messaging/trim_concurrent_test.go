package messaging_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestConcurrentTrimmersNeverRemoveAnUnacknowledgedEntry: while entries are added and a consumer reads
// them, acknowledging each at once in the first half and only every other one in the second, two trimmers
// trim in a loop. The group must still be
// handed every entry (none trimmed before it was delivered), every entry left pending must still be
// readable (claiming it would give nil otherwise), and once all is acknowledged the stream is emptied.
func TestConcurrentTrimmersNeverRemoveAnUnacknowledgedEntry(t *testing.T) {
	t.Parallel()
	const entries = 3000
	ctx := context.Background()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	require.NoError(t, client.XGroupCreateMkStream(ctx, cfg.Stream, cfg.ConsumerGroup, "0").Err())

	var added []string
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for range entries {
			id, err := client.XAdd(ctx, &redis.XAddArgs{Stream: cfg.Stream, Values: map[string]any{"k": "v"}}).Result()
			if err != nil {
				t.Error(err)
				return
			}
			added = append(added, id)
		}
	})
	trimErrs := make(chan error, 2)
	for range 2 {
		wg.Go(func() {
			for {
				if _, err := messaging.TrimStream(ctx, client, cfg.Stream, cfg.ConsumerGroup, 0); err != nil {
					trimErrs <- err
					return
				}
				select {
				case <-done:
					return
				case <-time.After(time.Millisecond):
				}
			}
		})
	}

	var delivered, held []string
	for len(delivered) < entries {
		streams, err := client.XReadGroup(ctx, &redis.XReadGroupArgs{Group: cfg.ConsumerGroup, Consumer: "c1",
			Streams: []string{cfg.Stream, ">"}, Count: 50, Block: 5 * time.Second}).Result()
		require.NoError(t, err, "%d of %d entries delivered", len(delivered), entries)
		for _, msg := range streams[0].Messages {
			delivered = append(delivered, msg.ID)
			if len(delivered) <= entries/2 || len(delivered)%2 == 0 {
				require.NoError(t, client.XAck(ctx, cfg.Stream, cfg.ConsumerGroup, msg.ID).Err())
			} else {
				held = append(held, msg.ID)
			}
		}
	}
	wg.Wait()
	close(trimErrs)
	for err := range trimErrs {
		require.NoError(t, err)
	}
	require.Equal(t, added, delivered, "every entry is delivered, in order")

	_, err := messaging.TrimStream(ctx, client, cfg.Stream, cfg.ConsumerGroup, 0)
	require.NoError(t, err)
	left := map[string]bool{}
	for _, id := range entryIDs(t, client, cfg.Stream) {
		left[id] = true
	}
	for _, id := range held {
		require.True(t, left[id], "pending entry %s was trimmed", id)
	}
	claimed, err := client.XClaim(ctx, &redis.XClaimArgs{Stream: cfg.Stream, Group: cfg.ConsumerGroup, Consumer: "c2",
		Messages: held[:1]}).Result()
	require.NoError(t, err)
	require.Equal(t, map[string]any{"k": "v"}, claimed[0].Values, "the oldest pending entry, claimed, has its data")

	require.NoError(t, client.XAck(ctx, cfg.Stream, cfg.ConsumerGroup, held...).Err())
	_, err = messaging.TrimStream(ctx, client, cfg.Stream, cfg.ConsumerGroup, 0)
	require.NoError(t, err)
	require.Empty(t, entryIDs(t, client, cfg.Stream), "everything acknowledged is trimmed")
}

package messaging

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// TestAckBatcherTakesAcknowledgementsWhileRedisIsDown acknowledges three batches' worth of entries while
// every XACK fails (nothing listens where the client points): adding must not wait for Redis, because the
// subscription waits for every handed-out message to settle (which adds its acknowledgement) before it
// stops the batcher, so a blocked add would keep a processor from stopping until Redis came back.
func TestAckBatcherTakesAcknowledgementsWhileRedisIsDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { client.Close() })
	keeper := NewPendingKeeper(client, "stream", "group", "consumer", time.Second, watermill.NopLogger{})
	acks := newAckBatcher(client, "stream", "group", keeper, watermill.NopLogger{})

	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		acks.run(done)
		close(stopped)
	}()
	added := make(chan struct{})
	go func() {
		for i := range 3 * ackBatchMax {
			acks.add(fmt.Sprintf("%d-0", i+1))
		}
		close(added)
	}()
	select {
	case <-added:
	case <-time.After(10 * time.Second):
		t.Fatalf("adding %d acknowledgements waited for Redis", 3*ackBatchMax)
	}
	close(done)
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("the batcher did not stop within its last tries")
	}
}

package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// waitFor bounds every wait on the broker or the database; it only stops a stuck test and is far above
// what any step needs.
const waitFor = 30 * time.Second

// pollEvery is how often require.Eventually checks a condition.
const pollEvery = 20 * time.Millisecond

// receive reads n messages from msgs, acknowledging each, and fails the test if they do not come.
func receive(t *testing.T, msgs <-chan *message.Message, n int) []*message.Message {
	t.Helper()
	got := make([]*message.Message, 0, n)
	stuck := time.After(waitFor)
	for len(got) < n {
		select {
		case msg, ok := <-msgs:
			require.True(t, ok, "messages channel closed after %d of %d messages", len(got), n)
			got = append(got, msg)
			msg.Ack()
		case <-stuck:
			require.FailNow(t, "messages did not arrive", "received %d of %d", len(got), n)
		}
	}
	return got
}

// pending returns how many messages of stream the consumer group has delivered but not acknowledged.
func pending(client *redis.Client, stream, group string) (int64, error) {
	p, err := client.XPending(context.Background(), stream, group).Result()
	if err != nil {
		return 0, err
	}
	return p.Count, nil
}

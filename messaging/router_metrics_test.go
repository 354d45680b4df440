package messaging_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/messaging"
)

// TestRouterCountsRetriesAndPoisonedMessages fails one message transiently twice before it succeeds and
// another permanently: two retries, one poisoned message. Watermill's OnRetryHook would count one retry
// (it is not called before the first).
func TestRouterCountsRetriesAndPoisonedMessages(t *testing.T) {
	t.Parallel()
	const failures = 2
	var (
		mu       sync.Mutex
		attempts = map[string]int{}
	)
	env := startRouter(t, func(msg *message.Message, _ int64) error {
		if string(msg.Payload) == "bad" {
			return messaging.Permanent(errors.New("bad payload"))
		}
		mu.Lock()
		defer mu.Unlock()
		attempts[msg.UUID]++
		if attempts[msg.UUID] <= failures {
			return errors.New("transient")
		}
		return nil
	})
	require.GreaterOrEqual(t, env.cfg.RetryMax, failures, "the test needs retries enough to succeed")
	env.publish(t, message.NewMessage(watermill.NewUUID(), []byte("good")))
	env.publish(t, message.NewMessage(watermill.NewUUID(), []byte("bad")))
	env.waitAcked(t, failures+2)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		values := gathered(t, env.reg)
		require.Equal(c, float64(failures), values["processor_retries_total"], "retries")
		require.Equal(c, 1.0, values["processor_messages_poisoned_total"], "poisoned")
		require.Contains(c, values, "watermill_subscriber_messages_received_total")
	}, waitFor, pollEvery)
}

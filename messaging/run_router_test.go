package messaging_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestRouterNeverPoisonsARun runs a run of five entries, one of them bad, through the router's
// middleware. Whatever the bad entry makes the handler do, the run is not poisoned (that would
// acknowledge its good entries unhandled): it comes back as its entries one by one, the good ones are
// handled, and only the bad one goes to the poison queue (permanent error, panic) or stays pending
// (transient error).
func TestRouterNeverPoisonsARun(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		fail         func() error
		wantPoisoned bool
	}{
		{name: "permanent_error", fail: func() error { return messaging.Permanent(errors.New("bad entry")) }, wantPoisoned: true},
		{name: "panic", fail: func() error { panic("bad entry") }, wantPoisoned: true},
		{name: "transient_error", fail: func() error { return errors.New("database is down") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Messaging(t)
			published := make([]*message.Message, 5)
			var good []string
			for i := range published {
				payload := "good" + string(rune('a'+i))
				if i == 2 {
					payload = "bad"
				} else {
					good = append(good, payload)
				}
				published[i] = message.NewMessage(watermill.NewUUID(), []byte(payload))
			}
			// Published before the router starts, so that the subscriber reads all five at once.
			require.NoError(t, messaging.NewRedisPublisher(testenv.RedisClient(t, cfg), time.Second).Publish(cfg.Stream, published...))

			var (
				mu      sync.Mutex
				handled []string
				largest int
			)
			env := startRouterOn(t, cfg, func(msg *message.Message, _ int64) error {
				entries := entryStrings(msg)
				mu.Lock()
				largest = max(largest, len(entries))
				mu.Unlock()
				if slices.Contains(entries, "bad") {
					return tc.fail()
				}
				mu.Lock()
				handled = append(handled, entries...)
				mu.Unlock()
				return nil
			}, messaging.WithRuns())

			require.EventuallyWithT(t, func(c *assert.CollectT) {
				mu.Lock()
				defer mu.Unlock()
				require.ElementsMatch(c, good, handled, "good entries handled")
				count, err := pending(env.client, cfg.Stream, cfg.ConsumerGroup)
				require.NoError(c, err)
				if tc.wantPoisoned {
					require.Len(c, env.poisoned(c), 1, "poisoned messages")
					require.Zero(c, count, "pending entries")
				} else {
					require.Equal(c, int64(1), count, "pending entries: the bad one waits for a later delivery")
				}
			}, waitFor, pollEvery)
			env.stop()

			mu.Lock()
			require.Equal(t, len(published), largest, "the five entries came as one run first")
			mu.Unlock()
			rows := env.poisoned(t)
			if !tc.wantPoisoned {
				require.Empty(t, rows)
				return
			}
			require.Len(t, rows, 1)
			require.Equal(t, published[2].UUID, rows[0].uuid, "the bad entry is poisoned, not the run")
			require.Equal(t, []byte("bad"), rows[0].payload)
		})
	}
}

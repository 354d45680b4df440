package ratelimit_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/ratelimit"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// limiter is what both limiters do.
type limiter interface {
	Take(ctx context.Context, costs []ratelimit.Cost) (time.Duration, error)
}

// takeConcurrently starts goroutines on wg that each take one event from key's bucket each times,
// adding to taken the takes granted.
func takeConcurrently(t *testing.T, wg *sync.WaitGroup, taken *atomic.Int64, l limiter, key string, limit ratelimit.Limit, goroutines, each int) {
	for range goroutines {
		wg.Go(func() {
			for range each {
				wait, err := l.Take(context.Background(), []ratelimit.Cost{{Key: key, Limit: limit, N: 1}})
				if err != nil {
					t.Error(err)
					return
				}
				if wait <= 0 {
					taken.Add(1)
				}
			}
		})
	}
}

// limiters returns a Memory and a Redis limiter (on the test Redis), closed when the test ends, and a
// key prefix unique to the test.
func limiters(t *testing.T) (map[string]limiter, string) {
	t.Helper()
	client := testenv.RedisClient(t, testenv.Messaging(t))
	memory, shared := ratelimit.NewMemory(), ratelimit.NewRedis(client)
	t.Cleanup(memory.Close)
	t.Cleanup(shared.Close)
	return map[string]limiter{"memory": memory, "redis": shared}, "test_" + uuid.NewString() + ":"
}

// TestTakeAllOrNothing runs one sequence of takes on both limiters, at a rate slow enough (one event a
// second) that the refill during the test cannot change an answer, and checks each answer's wait.
func TestTakeAllOrNothing(t *testing.T) {
	t.Parallel()
	each, prefix := limiters(t)
	slow := ratelimit.Limit{Rate: 1, Burst: 10 * time.Second}
	for name, limiter := range each {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a, b := prefix+name+":a", prefix+name+":b"
			steps := []struct {
				costs []ratelimit.Cost
				wait  time.Duration // 0: taken; else the wait, within a second's refill below it
			}{
				{costs: []ratelimit.Cost{{Key: a, Limit: slow, N: 10}}},
				{costs: []ratelimit.Cost{{Key: a, Limit: slow, N: 1}}, wait: time.Second},
				{costs: []ratelimit.Cost{{Key: b, Limit: slow, N: 1}, {Key: a, Limit: slow, N: 3}}, wait: 3 * time.Second},
				{costs: []ratelimit.Cost{{Key: b, Limit: slow, N: 10}}},
				{costs: []ratelimit.Cost{{Key: b, Limit: slow, N: 1}}, wait: time.Second},
			}
			for i, s := range steps {
				got, err := limiter.Take(context.Background(), s.costs)
				require.NoError(t, err)
				if s.wait == 0 {
					require.LessOrEqual(t, got, time.Duration(0), "step %d", i)
					continue
				}
				require.LessOrEqual(t, got, s.wait, "step %d", i)
				require.Greater(t, got, s.wait-time.Second, "step %d", i)
			}
		})
	}
}

// TestTakeLargerThanBurst checks that a request larger than the bucket passes a full bucket, and that
// the next waits out the debt it left.
func TestTakeLargerThanBurst(t *testing.T) {
	t.Parallel()
	each, prefix := limiters(t)
	limit := ratelimit.Limit{Rate: 1, Burst: 10 * time.Second}
	for name, limiter := range each {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			key := prefix + name
			got, err := limiter.Take(context.Background(), []ratelimit.Cost{{Key: key, Limit: limit, N: 25}})
			require.NoError(t, err)
			require.LessOrEqual(t, got, time.Duration(0))
			got, err = limiter.Take(context.Background(), []ratelimit.Cost{{Key: key, Limit: limit, N: 1}})
			require.NoError(t, err)
			require.LessOrEqual(t, got, 16*time.Second)
			require.Greater(t, got, 15*time.Second)
		})
	}
}

// TestConcurrentTakesShareOneBucket takes single events from one bucket from 64 goroutines at once:
// exactly what the bucket allows is taken (its burst, plus at most the refill while the test runs),
// and the Redis limiter needs fewer script calls than requests.
func TestConcurrentTakesShareOneBucket(t *testing.T) {
	t.Parallel()
	each, prefix := limiters(t)
	limit := ratelimit.Limit{Rate: 100, Burst: time.Second}
	for name, limiter := range each {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const goroutines, each = 64, 20
			var taken atomic.Int64
			var wg sync.WaitGroup
			start := time.Now()
			takeConcurrently(t, &wg, &taken, limiter, prefix+name, limit, goroutines, each)
			wg.Wait()
			took := time.Since(start)
			most := int64(100 + 100*took.Seconds() + 1)
			require.GreaterOrEqual(t, taken.Load(), int64(100))
			require.LessOrEqual(t, taken.Load(), most, "in %s", took)
			if r, ok := limiter.(*ratelimit.Redis); ok {
				t.Logf("%d takes in %d script calls", goroutines*each, r.Calls())
				require.Less(t, r.Calls(), int64(goroutines*each), "concurrent takes were not coalesced")
			}
		})
	}
}

// TestRedisKeysExpireWhenFull checks that a bucket's key expires when the bucket is full again, the
// replica's lease included.
func TestRedisKeysExpireWhenFull(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	limiter := ratelimit.NewRedis(client)
	t.Cleanup(limiter.Close)
	key := "test_" + uuid.NewString()
	_, err := limiter.Take(context.Background(), []ratelimit.Cost{{Key: key, Limit: ratelimit.Limit{Rate: 10, Burst: time.Minute}, N: 3}})
	require.NoError(t, err)
	ttl, err := client.PTTL(context.Background(), key).Result()
	require.NoError(t, err)
	require.Positive(t, ttl)
	// The take leased 1 s of the rate more (Limit.lease: 10 tokens) from the same bucket.
	require.LessOrEqual(t, ttl, 1300*time.Millisecond, "3 events and a lease of 10 at 10/s come back within 1.3 s")
	require.Greater(t, ttl, time.Second, "the lease was taken from the shared bucket")
}

// TestMemorySweepsFullBuckets fills the map with the buckets of 100,000 keys, lets them refill, takes
// from 40,000 other keys, enough to double the map since its last sweep, and checks that the full
// buckets are gone: the map holds at most twice the buckets that are refilling.
func TestMemorySweepsFullBuckets(t *testing.T) {
	t.Parallel()
	m := ratelimit.NewMemory()
	t.Cleanup(m.Close)
	now := 0.0
	m.SetClock(func() float64 { return now })
	limit := ratelimit.Limit{Rate: 1, Burst: 10 * time.Second}
	take := func(key string) {
		wait, err := m.Take(context.Background(), []ratelimit.Cost{{Key: key, Limit: limit, N: 1}})
		require.NoError(t, err)
		require.LessOrEqual(t, wait, time.Duration(0))
	}
	for i := range 100_000 {
		take(fmt.Sprint("old-", i))
	}
	require.LessOrEqual(t, m.Buckets(), 100_000)
	now += 2e6 // two seconds: every old bucket, one event in debt, is full again
	for i := range 40_000 {
		take(fmt.Sprint("new-", i))
	}
	require.LessOrEqual(t, m.Buckets(), 40_000, "full buckets were kept")
}

// TestTakeAtVeryHighRates takes from buckets whose tokens come back in a nanosecond: every take
// passes, as at any rate that nothing exceeds.
func TestTakeAtVeryHighRates(t *testing.T) {
	t.Parallel()
	each, prefix := limiters(t)
	limit := ratelimit.Limit{Rate: 1e9, Burst: 10 * time.Second}
	for name, limiter := range each {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for range 100 {
				wait, err := limiter.Take(context.Background(), []ratelimit.Cost{{Key: prefix + name + ":a", Limit: limit, N: 1}, {Key: prefix + name + ":b", Limit: limit, N: 500}})
				require.NoError(t, err)
				require.LessOrEqual(t, wait, time.Duration(0))
			}
		})
	}
}

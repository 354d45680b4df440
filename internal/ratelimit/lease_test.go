package ratelimit_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/ratelimit"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// TestRedisLeasesAvoidRoundTrips takes 1,000 single events one after the other from a client's and a
// site's bucket at a rate nothing exceeds: the takes are answered from the replica's leases, so they
// need far fewer script calls than takes (one round trip each without leases).
func TestRedisLeasesAvoidRoundTrips(t *testing.T) {
	t.Parallel()
	client := testenv.RedisClient(t, testenv.Messaging(t))
	r := ratelimit.NewRedis(client)
	t.Cleanup(r.Close)
	prefix := "test_" + uuid.NewString() + ":"
	limit := ratelimit.Limit{Rate: 1e6, Burst: 10 * time.Second}
	const takes = 1000
	for range takes {
		wait, err := r.Take(context.Background(), []ratelimit.Cost{{Key: prefix + "ip", Limit: limit, N: 1}, {Key: prefix + "site", Limit: limit, N: 1}})
		require.NoError(t, err)
		require.LessOrEqual(t, wait, time.Duration(0))
	}
	require.Less(t, r.Calls(), int64(takes/10), "%d takes made %d script calls", takes, r.Calls())
}

// TestRedisReplicasNeverExceedTheSharedBucket runs four replicas (four Redis limiters on one Redis),
// each taking single events from one key from 16 goroutines: together they take what one bucket
// allows from its start (burst plus the refill while the test runs), however their leases split it,
// and at least the burst less what the replicas' leases can hold unused.
func TestRedisReplicasNeverExceedTheSharedBucket(t *testing.T) {
	t.Parallel()
	client := testenv.RedisClient(t, testenv.Messaging(t))
	key := "test_" + uuid.NewString()
	limit := ratelimit.Limit{Rate: 100, Burst: 20 * time.Second} // a bucket of 2,000, leases of 100 (1 s)
	const replicas, goroutines, each = 4, 16, 40
	var taken atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range replicas {
		r := ratelimit.NewRedis(client)
		t.Cleanup(r.Close)
		takeConcurrently(t, &wg, &taken, r, key, limit, goroutines, each)
	}
	wg.Wait()
	took := time.Since(start)
	most := int64(2000 + 100*took.Seconds() + 1)
	require.Less(t, most, int64(replicas*goroutines*each), "the test asks for more than the bucket can give")
	require.LessOrEqual(t, taken.Load(), most, "in %s", took)
	require.GreaterOrEqual(t, taken.Load(), int64(2000-replicas*ratelimit.LeaseSize(limit)), "in %s", took)
}

// TestRedisLeaseGivenBackWhenIdle drains most of a bucket (so that its TAT is seconds ahead), leaves
// the replica's lease unused past the idle time, and checks that the unused tokens went back to the
// shared bucket: its TAT moved back by exactly their refill time.
func TestRedisLeaseGivenBackWhenIdle(t *testing.T) {
	t.Parallel()
	client := testenv.RedisClient(t, testenv.Messaging(t))
	r := ratelimit.NewRedis(client)
	t.Cleanup(r.Close)
	key := "test_" + uuid.NewString()
	limit := ratelimit.Limit{Rate: 100, Burst: 10 * time.Second} // 10 ms per token, leases of 100 (1 s)
	wait, err := r.Take(context.Background(), []ratelimit.Cost{{Key: key, Limit: limit, N: 500}})
	require.NoError(t, err)
	require.LessOrEqual(t, wait, time.Duration(0))
	tat := func() float64 {
		v, err := client.Get(context.Background(), key).Result()
		require.NoError(t, err)
		f, err := strconv.ParseFloat(v, 64)
		require.NoError(t, err)
		return f
	}
	leased := tat()
	require.Eventually(t, func() bool { return tat() < leased }, 5*time.Second, 50*time.Millisecond, "the lease was never given back")
	require.InDelta(t, leased-float64(ratelimit.LeaseSize(limit))*1e4, tat(), 0.5, "TAT after the give-back")
}

// TestRedisCloseGivesLeasesBack checks that Close gives a replica's unused leases back at once.
func TestRedisCloseGivesLeasesBack(t *testing.T) {
	t.Parallel()
	client := testenv.RedisClient(t, testenv.Messaging(t))
	r := ratelimit.NewRedis(client)
	key := "test_" + uuid.NewString()
	limit := ratelimit.Limit{Rate: 100, Burst: 10 * time.Second}
	_, err := r.Take(context.Background(), []ratelimit.Cost{{Key: key, Limit: limit, N: 500}})
	require.NoError(t, err)
	before, err := client.PTTL(context.Background(), key).Result()
	require.NoError(t, err)
	r.Close()
	after, err := client.PTTL(context.Background(), key).Result()
	require.NoError(t, err)
	require.Less(t, after, before-time.Duration(ratelimit.LeaseSize(limit)-1)*10*time.Millisecond, "PTTL %s before Close, %s after", before, after)
	_, err = r.Take(context.Background(), []ratelimit.Cost{{Key: key, Limit: limit, N: 1}})
	require.ErrorIs(t, err, ratelimit.ErrClosed)
}

// TestRedisTwoKeyLeasesAllOrNothing takes, from 64 goroutines of one replica, single events from a
// client's bucket and one site's bucket at once, the two keys named in either order: the site's bucket
// gives out what it allows (burst plus refill, at least the burst less the lease the replica holds),
// and each client's never more than its own.
func TestRedisTwoKeyLeasesAllOrNothing(t *testing.T) {
	t.Parallel()
	client := testenv.RedisClient(t, testenv.Messaging(t))
	r := ratelimit.NewRedis(client)
	t.Cleanup(r.Close)
	prefix := "test_" + uuid.NewString() + ":"
	site := ratelimit.Limit{Rate: 400, Burst: time.Second} // a bucket of 400, leases of 100
	perClient := ratelimit.Limit{Rate: 5, Burst: 2 * time.Second}
	const goroutines, each = 64, 40
	var taken atomic.Int64
	var perClientTaken [goroutines]atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				costs := []ratelimit.Cost{{Key: prefix + "client:" + strconv.Itoa(g), Limit: perClient, N: 1}, {Key: prefix + "site", Limit: site, N: 1}}
				if i%2 == 1 {
					costs[0], costs[1] = costs[1], costs[0]
				}
				wait, err := r.Take(context.Background(), costs)
				if err != nil {
					t.Error(err)
					return
				}
				if wait <= 0 {
					taken.Add(1)
					perClientTaken[g].Add(1)
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	most := int64(400 + 400*took.Seconds() + 1)
	require.LessOrEqual(t, taken.Load(), most, "in %s", took)
	require.GreaterOrEqual(t, taken.Load(), int64(400-ratelimit.LeaseSize(site)), "in %s", took)
	for g := range perClientTaken {
		require.LessOrEqual(t, perClientTaken[g].Load(), int64(10+5*took.Seconds()+1), "client %d in %s", g, took)
	}
}

package ratelimit_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/analytics-pipeline/analytics/internal/ratelimit"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// benchTake takes one event from a client's and a site's bucket per request, from parallel goroutines,
// as ingestion does for POST /event, at rates nothing exceeds: 1,000 clients and 100 sites.
func benchTake(b *testing.B, limiter limiter) {
	limit := ratelimit.Limit{Rate: 1e9, Burst: 10 * time.Second}
	b.ReportAllocs()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			costs := []ratelimit.Cost{{Key: fmt.Sprint("bench:ip:", i%1000), Limit: limit, N: 1}, {Key: fmt.Sprint("bench:site:", i%100), Limit: limit, N: 1}}
			if wait, err := limiter.Take(context.Background(), costs); err != nil || wait > 0 {
				b.Fatal(wait, err)
			}
		}
	})
}

func BenchmarkMemoryTake(b *testing.B) {
	m := ratelimit.NewMemory()
	b.Cleanup(m.Close)
	benchTake(b, m)
}

// BenchmarkRedisTake also reports the microseconds Redis spent in the script per take, from the
// server's command statistics (EVALSHA; meaningful while nothing else calls scripts on that Redis).
func BenchmarkRedisTake(b *testing.B) {
	client := testenv.RedisClient(b, testenv.Messaging(b))
	r := ratelimit.NewRedis(client)
	b.Cleanup(r.Close)
	before := scriptMicroseconds(b, client)
	benchTake(b, r)
	b.ReportMetric(float64(b.N)/float64(r.Calls()), "takes/call")
	b.ReportMetric(float64(scriptMicroseconds(b, client)-before)/float64(b.N), "redis-µs/take")
}

var evalshaUsec = regexp.MustCompile(`cmdstat_evalsha:calls=\d+,usec=(\d+)`)

// scriptMicroseconds returns the microseconds Redis has spent in EVALSHA since its statistics began.
func scriptMicroseconds(b *testing.B, client *redis.Client) int64 {
	info, err := client.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	m := evalshaUsec.FindStringSubmatch(info)
	if m == nil {
		return 0
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

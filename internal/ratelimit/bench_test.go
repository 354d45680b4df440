package ratelimit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/analytics-pipeline/analytics/internal/ratelimit"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// benchTake takes one event from a client's and a site's bucket per request, from parallel goroutines,
// as ingestion does for POST /event, at rates nothing exceeds.
func benchTake(b *testing.B, limiter ratelimit.Limiter) {
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

func BenchmarkRedisTake(b *testing.B) {
	r := ratelimit.NewRedis(testenv.RedisClient(b, testenv.Messaging(b)))
	b.Cleanup(r.Close)
	benchTake(b, r)
	b.ReportMetric(float64(b.N)/float64(r.Calls()), "takes/call")
}

package processor_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// benchShape is the i-th event of cmd/bench (internal/bench/bodies.go): 100 sites, 1,000 paths, 50,000
// users, every tenth a click, every seventh anonymous, over two days. The anonymous events of a site and
// date all come from one address and user agent, so they share one cookieless visitor.
func benchShape(i int) event.Event {
	e := event.Event{
		EventID: fmt.Sprint("bench-", i), SiteID: fmt.Sprintf("site-%d", i%100), EventType: event.PageView,
		Path:      fmt.Sprintf("/section/%d/page/%d", i%10, i%1000),
		UserID:    fmt.Sprintf("user-%d", i%50000),
		Timestamp: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i%172800) * time.Second),
	}
	if i%10 == 3 {
		e.EventType = "click"
	}
	if i%7 == 5 {
		e.UserID = ""
		h := fnv.New64a()
		h.Write([]byte(e.SiteID + "|" + e.Timestamp.Format(time.DateOnly)))
		e.VisitorID = int64(h.Sum64())
	}
	return e
}

// BenchmarkApplyBenchShape measures the projection of the bench's events: events per second written by
// Apply calls of size events each, from writers goroutines at once (the processor's PROCESSOR_WRITERS).
func BenchmarkApplyBenchShape(b *testing.B) {
	for _, c := range []struct{ size, writers int }{{1000, 1}, {1000, 2}, {2000, 2}, {1, 1}, {1, 4}} {
		b.Run(fmt.Sprintf("batch_%d_writers_%d", c.size, c.writers), func(b *testing.B) {
			store := processor.NewStore(testenv.Database(b))
			var next atomic.Int64
			batches := make(chan struct{})
			var wg sync.WaitGroup
			var failed atomic.Value
			for range c.writers {
				wg.Go(func() {
					for range batches {
						start := int(next.Add(int64(c.size))) - c.size
						batch := make([]event.Event, c.size)
						for i := range batch {
							batch[i] = benchShape(start + i)
						}
						if _, err := store.Apply(context.Background(), batch); err != nil {
							failed.Store(err)
						}
					}
				})
			}
			b.ResetTimer()
			for range b.N {
				batches <- struct{}{}
			}
			close(batches)
			wg.Wait()
			b.StopTimer()
			if err := failed.Load(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(next.Load())/b.Elapsed().Seconds(), "events/s")
		})
	}
}

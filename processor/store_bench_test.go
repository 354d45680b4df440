package processor_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// BenchmarkApply measures the batch projection: events per second written by one Apply call per batch.
func BenchmarkApply(b *testing.B) {
	for _, size := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprint("batch_", size), func(b *testing.B) {
			store := processor.NewStore(testenv.Database(b))
			day := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
			n := 0
			b.ResetTimer()
			for b.Loop() {
				batch := make([]event.Event, size)
				for i := range batch {
					batch[i] = event.Event{EventID: fmt.Sprint("bench-", n), SiteID: fmt.Sprint("site-", n%100),
						EventType: event.PageView, Path: fmt.Sprint("/p/", n%1000), UserID: fmt.Sprint("u", n%50000),
						Timestamp: day.Add(time.Duration(n%172800) * time.Second)}
					n++
				}
				if _, err := store.Apply(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

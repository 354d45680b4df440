package event_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

func BenchmarkMarshalEvents(b *testing.B) {
	for _, n := range []int{100, 1000} {
		events := make([]event.Event, n)
		for i := range events {
			events[i] = event.Event{
				EventID: fmt.Sprintf("0199a1b2-c3d4-7e5f-8a9b-%012d", i), SiteID: fmt.Sprintf("site-%d", i%100),
				EventType: event.PageView, Path: fmt.Sprintf("/section/%d/page/%d", i%10, i%1000),
				UserID: fmt.Sprintf("user-%d", i%50000), Timestamp: time.Date(2025, 11, 1, 0, 0, i, 0, time.UTC),
			}
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := event.Marshal(events); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

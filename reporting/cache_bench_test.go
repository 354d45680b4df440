package reporting_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/reporting"
)

// benchEvents are 2,000 page views of one site-day over 1,000 paths, by 100 users.
func benchEvents() []event.Event {
	events := make([]event.Event, 2000)
	for i := range events {
		events[i] = ev(fmt.Sprint(i), "s", event.PageView, fmt.Sprintf("/page/%d", i%1000), fmt.Sprint("u", i%100), "2025-11-12T12:00:00Z")
	}
	return events
}

// BenchmarkStatsCached serves GET /stats in-process from the cache.
func BenchmarkStatsCached(b *testing.B) {
	s := newCachedServer(b, 1000, benchEvents()...)
	benchmarkStats(b, reporting.NewAPI(reporting.NewStore(s.pool), s.cache, s.pool.Ping, slog.New(slog.DiscardHandler)).Routes())
}

// BenchmarkStatsUncached serves GET /stats in-process from Postgres.
func BenchmarkStatsUncached(b *testing.B) {
	s := newCachedServer(b, 1000, benchEvents()...)
	benchmarkStats(b, handler(s.pool))
}

func benchmarkStats(b *testing.B, h http.Handler) {
	req := httptest.NewRequest(http.MethodGet, "/stats?site_id=s&date=2025-11-12", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(b, http.StatusOK, rec.Code)
	}
}

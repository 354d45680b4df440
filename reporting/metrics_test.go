package reporting_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/metrics/metricstest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/reporting"
)

// serveService runs the reporting service as its binary does (reporting.Serve, its own pool and
// registry) on a fresh database and a listener of the test's own, and returns its base URL.
func serveService(t *testing.T, cfg reporting.Config) string {
	t.Helper()
	return serveServiceOn(t, cfg, testenv.DatabaseURL(t))
}

// serveServiceOn is serveService on the database at dbURL.
func serveServiceOn(t *testing.T, cfg reporting.Config, dbURL string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.DatabaseURL = dbURL
	cfg.ShutdownTimeout = time.Second
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- reporting.Serve(ctx, cfg, ln, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-served)
	})
	return "http://" + ln.Addr().String()
}

const statsQuery = "site_id=site-a&date=2025-01-01"

// TestMetricsCountStatsRequestsWithoutCache checks the counts of a service without a stats cache: every
// lookup misses, and requests are labelled by route pattern.
func TestMetricsCountStatsRequestsWithoutCache(t *testing.T) {
	t.Parallel()
	url := serveService(t, reporting.Config{StatsCacheSize: 0})
	for range 5 {
		require.Equal(t, http.StatusOK, get(t, url, "/stats", statsQuery).status)
	}
	require.Equal(t, http.StatusBadRequest, get(t, url, "/stats", "date=2025-01-01").status)
	require.Equal(t, http.StatusNotFound, get(t, url, "/site-a/stats", "").status)

	m := metricstest.Get(t, url+"/metrics")
	require.Equal(t, 5.0, m.Value(t, "reporting_stats_cache_requests_total", map[string]string{"result": "miss"}))
	require.Equal(t, 0.0, m.Value(t, "reporting_stats_cache_requests_total", map[string]string{"result": "hit"}))
	requests := func(route, code string) float64 {
		return m.Value(t, "http_requests_total", map[string]string{"service": "reporting", "route": route, "method": "GET", "code": code})
	}
	require.Equal(t, 5.0, requests("/stats", "200"))
	require.Equal(t, 1.0, requests("/stats", "400"), "a rejected query is not a cache lookup")
	require.Equal(t, 1.0, requests("unmatched", "404"))
	require.Equal(t, uint64(6), m.Count(t, "http_request_duration_seconds", map[string]string{"service": "reporting", "route": "/stats"}))

	pool := map[string]string{"pool": "reporting"}
	require.Positive(t, m.Value(t, "db_pool_max_connections", pool))
	require.Positive(t, m.Value(t, "db_pool_total_connections", pool))
	require.GreaterOrEqual(t, m.Value(t, "db_pool_acquires_total", pool), 5.0, "each miss reads Postgres")
	require.True(t, m.Has("go_goroutines"), "Go runtime metrics")
}

// TestMetricsCountStatsCacheHits repeats one query until the cache answers it (it serves nothing until
// its LISTEN connection is up): every lookup is counted once, as a hit or a miss.
func TestMetricsCountStatsCacheHits(t *testing.T) {
	t.Parallel()
	url := serveService(t, reporting.Config{StatsCacheSize: 100})
	hit := map[string]string{"result": "hit"}
	sent := 0
	var m metricstest.Scrape
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		require.Equal(t, http.StatusOK, get(t, url, "/stats", statsQuery).status)
		sent++
		if m = metricstest.Get(t, url+"/metrics"); m.Value(t, "reporting_stats_cache_requests_total", hit) > 0 {
			break
		}
	}
	require.Positive(t, m.Value(t, "reporting_stats_cache_requests_total", hit), "no lookup hit the cache in 10s")
	misses := m.Value(t, "reporting_stats_cache_requests_total", map[string]string{"result": "miss"})
	require.Equal(t, float64(sent), m.Value(t, "reporting_stats_cache_requests_total", hit)+misses)
	require.GreaterOrEqual(t, misses, 1.0, "the first lookup cannot hit")
}

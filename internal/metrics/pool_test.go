package metrics_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/internal/metrics/metricstest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// TestPoolCollectorReadsPoolStats holds a connection of a real pool while scraping: the scrape shows it
// acquired, and the pool's counters.
func TestPoolCollectorReadsPoolStats(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	reg := metrics.NewRegistry()
	metrics.Register(reg, metrics.NewPoolCollector("test", pool))
	srv := httptest.NewServer(metrics.Handler(reg))
	t.Cleanup(srv.Close)

	conn, err := pool.Acquire(context.Background())
	require.NoError(t, err)
	held := metricstest.Get(t, srv.URL)
	conn.Release()
	released := metricstest.Get(t, srv.URL)

	labels := map[string]string{"pool": "test"}
	require.Equal(t, 1.0, held.Value(t, "db_pool_acquired_connections", labels))
	require.Equal(t, 0.0, released.Value(t, "db_pool_acquired_connections", labels))
	require.Equal(t, 1.0, released.Value(t, "db_pool_idle_connections", labels))
	require.Equal(t, 1.0, released.Value(t, "db_pool_total_connections", labels))
	require.Equal(t, float64(pool.Config().MaxConns), released.Value(t, "db_pool_max_connections", labels))
	require.Equal(t, float64(pool.Stat().AcquireCount()), released.Value(t, "db_pool_acquires_total", labels))
	require.Equal(t, 1.0, released.Value(t, "db_pool_new_connections_total", labels))
	for _, name := range []string{"db_pool_constructing_connections", "db_pool_acquire_duration_seconds_total", "db_pool_empty_acquires_total",
		"db_pool_empty_acquire_wait_seconds_total", "db_pool_canceled_acquires_total"} {
		require.True(t, released.Has(name), name)
	}
}

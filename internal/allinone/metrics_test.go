package allinone_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/metrics/metricstest"
)

// TestMetricsSharedByBothServices runs the all-in-one process: ingestion, reporting and the processor
// record into one registry (without a double registration panic), the HTTP services told apart by the
// service label, and both ports' GET /metrics answer with all of it.
func TestMetricsSharedByBothServices(t *testing.T) {
	t.Parallel()
	ingestURL, reportURL := serveAllInOne(t)

	res, err := http.Post(ingestURL+"/event", "application/json",
		strings.NewReader(`{"site_id":"s","event_type":"page_view","path":"/","user_id":"u","timestamp":"2025-01-01T00:00:00Z"}`))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, err = http.Get(reportURL + "/stats?site_id=s&date=2025-01-01")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)

	projected := 0.0
	for deadline := time.Now().Add(10 * time.Second); projected == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		projected = metricstest.Get(t, ingestURL+"/metrics").Value(t, "processor_events_projected_total", nil)
	}
	require.Equal(t, 1.0, projected, "the processor's metrics are in the shared registry")

	for _, url := range []string{ingestURL, reportURL} {
		m := metricstest.Get(t, url+"/metrics")
		require.Equal(t, []string{"ingestion", "reporting"}, m.LabelValues("http_requests_total", "service"), url)
		require.Equal(t, 1.0, m.Value(t, "http_requests_total", map[string]string{"service": "ingestion", "route": "/event", "code": "200"}), url)
		require.Equal(t, 1.0, m.Value(t, "processor_events_projected_total", nil), url)
		require.Equal(t, 1.0, m.Value(t, "http_requests_total", map[string]string{"service": "reporting", "route": "/stats", "code": "200"}), url)
		require.Equal(t, 1.0, m.Value(t, "ingestion_events_accepted_total", nil), url)
		require.Equal(t, 1.0, m.Value(t, "reporting_stats_cache_requests_total", nil), url)
		require.Contains(t, m.LabelValues("db_pool_max_connections", "pool"), "reporting", url)
		require.True(t, m.Has("go_goroutines"), url)
	}
}

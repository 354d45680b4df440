package allinone_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/allinone"
	"github.com/analytics-pipeline/analytics/internal/metrics/metricstest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// TestMetricsSharedByBothServices runs the all-in-one process: ingestion, reporting and the processor
// record into one registry (without a double registration panic), the HTTP services told apart by the
// service label, and both ports' GET /metrics answer with all of it.
func TestMetricsSharedByBothServices(t *testing.T) {
	t.Parallel()
	msgCfg := testenv.Broker(t, messaging.BrokerMemory)
	dbURL := testenv.ProcessorDatabaseURL(t, msgCfg)
	cfg := allinone.Config{
		Ingestion: ingestion.Config{Messaging: msgCfg, ShutdownTimeout: time.Second},
		Processor: processor.Config{DatabaseURL: dbURL, Messaging: msgCfg, ShutdownTimeout: time.Second},
		Reporting: reporting.Config{DatabaseURL: dbURL, ShutdownTimeout: time.Second},
	}
	ingestLn, reportLn := listen(t), listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- allinone.Serve(ctx, cfg, ingestLn, reportLn, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-served)
	})
	ingestURL, reportURL := "http://"+ingestLn.Addr().String(), "http://"+reportLn.Addr().String()

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

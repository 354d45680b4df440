package processor_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/metrics/metricstest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// serveProcessor runs processor.Serve with cfg and a metrics listener of its own until the test ends,
// then requires that it stopped without an error; it returns the metrics server's base URL.
func serveProcessor(t *testing.T, cfg processor.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- processor.Serve(ctx, cfg, ln, discard()) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; !errors.Is(err, context.Canceled) { // stopped during start-up, as cli.Main allows
			require.NoError(t, err)
		}
	})
	return "http://" + ln.Addr().String()
}

// scrape reads GET /metrics at url.
func scrape(t require.TestingT, url string) metricstest.Scrape {
	return metricstest.Get(t, url+"/metrics")
}

// value is the value of the unlabelled counter or gauge name, or the sample count of the histogram
// name; sum is a histogram's sample sum. A metric that is absent fails the test.
func value(t require.TestingT, families metricstest.Scrape, name string) (v, sum float64) {
	f, ok := families[name]
	require.True(t, ok, "metric %s not exported", name)
	require.Len(t, f.GetMetric(), 1, name)
	m := f.GetMetric()[0]
	switch f.GetType() {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue(), 0
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue(), 0
	case dto.MetricType_HISTOGRAM:
		return float64(m.GetHistogram().GetSampleCount()), m.GetHistogram().GetSampleSum()
	}
	return 0, 0
}

func TestMetricsServerAnswersHealthAndMetrics(t *testing.T) {
	t.Parallel()
	msgCfg := testenv.Messaging(t)
	url := serveProcessor(t, processor.Config{DatabaseURL: testenv.ProcessorDatabaseURL(t, msgCfg), Messaging: msgCfg, ShutdownTimeout: 5 * time.Second})

	resp, err := http.Get(url + "/health")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"status":"ok"}`, string(body))

	resp, err = http.Get(url + "/nothing")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "application/json")

	families := scrape(t, url)
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		require.Contains(t, families, name)
	}
}

// TestRunNamesMetricsPortWhenItIsTaken starts a processor on a metrics port another listener holds: it
// must fail at once, naming the setting.
func TestRunNamesMetricsPortWhenItIsTaken(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", ":0")
	require.NoError(t, err)
	t.Cleanup(func() { taken.Close() })
	msgCfg := testenv.Messaging(t)
	cfg := processor.Config{DatabaseURL: testenv.ProcessorDatabaseURL(t, msgCfg), Messaging: msgCfg,
		MetricsPort: taken.Addr().(*net.TCPAddr).Port}
	err = processor.Run(context.Background(), cfg, discard())
	require.ErrorContains(t, err, fmt.Sprintf("METRICS_PORT=%d", cfg.MetricsPort))
}

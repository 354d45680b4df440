package ingestion_test

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
	"github.com/analytics-pipeline/analytics/internal/metrics/metricstest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// serveService runs the ingestion service as its binary does (ingestion.Serve, its own broker client and
// registry) on a listener of the test's own, and returns its base URL; it stops when the test ends.
func serveService(t *testing.T, cfg messaging.Config) string {
	t.Helper()
	return serveConfig(t, ingestion.Config{Messaging: cfg})
}

// serveConfig is serveService with the rest of the configuration given too.
func serveConfig(t *testing.T, cfg ingestion.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		cfg.ShutdownTimeout = time.Second
		served <- ingestion.Serve(ctx, cfg, ln, slog.New(slog.DiscardHandler))
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-served)
	})
	return "http://" + ln.Addr().String()
}

// TestMetricsCountRequestsAndEvents sends accepted, invalid and oversized requests to the running service
// and checks that GET /metrics counts each exactly, labelled by route pattern, never by path.
func TestMetricsCountRequestsAndEvents(t *testing.T) {
	t.Parallel()
	s := server{url: serveService(t, testenv.Messaging(t))}
	valid := eventJSON(nil)
	invalid := eventJSON(map[string]any{"site_id": nil})

	for range 2 {
		require.Equal(t, http.StatusOK, s.post(t, "/event", jsonType, valid).status)
	}
	require.Equal(t, http.StatusOK, s.post(t, "/events", jsonType, "["+valid+","+valid+","+valid+","+invalid+"]").status)
	require.Equal(t, http.StatusBadRequest, s.post(t, "/event", jsonType, invalid).status)
	require.Equal(t, http.StatusBadRequest, s.post(t, "/event", jsonType, `{"site_id":`).status)
	require.Equal(t, http.StatusBadRequest, s.post(t, "/events", jsonType, `[]`).status)
	require.Equal(t, http.StatusRequestEntityTooLarge, s.post(t, "/event", jsonType, `{"path":"`+strings.Repeat("a", 70<<10)+`"}`).status)
	require.Equal(t, http.StatusNotFound, s.get(t, "/no/such/path").status)
	require.Equal(t, http.StatusOK, s.get(t, "/health").status)

	m := metricstest.Get(t, s.url+"/metrics")
	require.Equal(t, 5.0, m.Value(t, "ingestion_events_accepted_total", nil))
	for reason, want := range map[string]float64{"invalid": 4, "too_large": 1, "unavailable": 0} {
		require.Equal(t, want, m.Value(t, "ingestion_events_rejected_total", map[string]string{"reason": reason}), reason)
	}
	require.Equal(t, uint64(3), m.Count(t, "ingestion_publish_duration_seconds", nil), "one publish per request sent alone")

	requests := func(route, method, code string) float64 {
		return m.Value(t, "http_requests_total", map[string]string{"service": "ingestion", "route": route, "method": method, "code": code})
	}
	require.Equal(t, 2.0, requests("/event", "POST", "200"))
	require.Equal(t, 2.0, requests("/event", "POST", "400"))
	require.Equal(t, 1.0, requests("/event", "POST", "413"))
	require.Equal(t, 1.0, requests("/events", "POST", "200"))
	require.Equal(t, 1.0, requests("/events", "POST", "400"))
	require.Equal(t, 1.0, requests("unmatched", "GET", "404"))
	require.Equal(t, 1.0, requests("/health", "GET", "200"))
	require.Equal(t, uint64(5), m.Count(t, "http_request_duration_seconds", map[string]string{"service": "ingestion", "route": "/event", "method": "POST"}))
	require.Equal(t, []string{"/event", "/events", "/health", "unmatched"}, m.LabelValues("http_requests_total", "route"),
		"the scrape itself is counted after it is answered")

	require.True(t, m.Has("go_goroutines"), "Go runtime metrics")
	require.True(t, m.Has("process_cpu_seconds_total"), "process metrics")
}

// TestMetricsCountEventsNotQueued posts to a service whose broker is down: every event is counted as
// rejected because the broker was unavailable, none as accepted.
func TestMetricsCountEventsNotQueued(t *testing.T) {
	t.Parallel()
	cfg := unreachableRedis(t)
	cfg.PublishTimeout = 200 * time.Millisecond
	s := server{url: serveService(t, cfg)}
	valid := eventJSON(nil)

	require.Equal(t, http.StatusServiceUnavailable, s.post(t, "/event", jsonType, valid).status)
	require.Equal(t, http.StatusServiceUnavailable, s.post(t, "/events", jsonType, "["+valid+","+valid+"]").status)

	m := metricstest.Get(t, s.url+"/metrics")
	require.Equal(t, 0.0, m.Value(t, "ingestion_events_accepted_total", nil))
	require.Equal(t, 3.0, m.Value(t, "ingestion_events_rejected_total", map[string]string{"reason": "unavailable"}))
	require.Equal(t, uint64(2), m.Count(t, "ingestion_publish_duration_seconds", nil), "a failed publish is timed too")
	require.Equal(t, 2.0, m.Value(t, "http_requests_total", map[string]string{"service": "ingestion", "code": "503"}))
}

// TestMetricsCountRateLimitedAndBotEvents sends more than a client's rate allows, and a crawler's
// events, which are dropped: each is counted as rejected under its own reason, never as accepted.
func TestMetricsCountRateLimitedAndBotEvents(t *testing.T) {
	t.Parallel()
	url := serveConfig(t, ingestion.Config{Messaging: testenv.Messaging(t),
		RateLimit: ingestion.RateLimitConfig{PerIP: 1, Burst: time.Second, Secret: "test"},
		Bots:      ingestion.BotConfig{Filter: true}})
	s := server{url: url}
	valid := eventJSON(nil)

	require.Equal(t, http.StatusOK, s.post(t, "/event", jsonType, valid).status)
	require.Equal(t, http.StatusTooManyRequests, s.post(t, "/event", jsonType, valid).status)
	require.Equal(t, http.StatusTooManyRequests, s.post(t, "/events", jsonType, "["+valid+","+valid+"]").status)
	res := s.postAs(t, "/events", googlebotUA, "["+valid+","+valid+","+valid+"]")
	require.Equal(t, http.StatusOK, res.status)
	require.Equal(t, "bot", res.header.Get("X-Events-Dropped"))

	m := metricstest.Get(t, url+"/metrics")
	require.Equal(t, 1.0, m.Value(t, "ingestion_events_accepted_total", nil))
	for reason, want := range map[string]float64{"rate_limited": 3, "bot": 3, "invalid": 0, "unavailable": 0} {
		require.Equal(t, want, m.Value(t, "ingestion_events_rejected_total", map[string]string{"reason": reason}), reason)
	}
	require.Equal(t, 2.0, m.Value(t, "http_requests_total", map[string]string{"service": "ingestion", "code": "429"}))
}

// Bots' events kept with KEEP_BOT_EVENTS are accepted like any other and counted on their own too.
func TestMetricsCountKeptBotEvents(t *testing.T) {
	t.Parallel()
	url := serveConfig(t, ingestion.Config{Messaging: testenv.Messaging(t), Bots: ingestion.BotConfig{Filter: true, Keep: true}})
	valid := eventJSON(nil)
	s := server{url: url}
	require.Equal(t, http.StatusOK, s.postAs(t, "/events", googlebotUA, "["+valid+","+valid+"]").status)
	require.Equal(t, http.StatusOK, s.post(t, "/event", jsonType, valid).status)

	m := metricstest.Get(t, url+"/metrics")
	require.Equal(t, 3.0, m.Value(t, "ingestion_events_accepted_total", nil))
	require.Equal(t, 2.0, m.Value(t, "ingestion_bot_events_kept_total", nil))
	require.Zero(t, m.Value(t, "ingestion_events_rejected_total", map[string]string{"reason": "bot"}))
}

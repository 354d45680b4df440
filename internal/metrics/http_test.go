package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/internal/metrics/metricstest"
)

// router is a chi router of service recording into h, as the services build theirs.
func router(h *metrics.HTTP) http.Handler {
	r := chi.NewRouter()
	r.Use(h.Middleware, httpapi.Recoverer)
	r.NotFound(httpapi.NotFound)
	r.MethodNotAllowed(httpapi.MethodNotAllowed)
	r.Get("/items/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Get("/silent", func(http.ResponseWriter, *http.Request) {})
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	return r
}

func send(t *testing.T, url, method, path string) int {
	t.Helper()
	req, err := http.NewRequest(method, url+path, nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

// TestHTTPLabelsAreBounded checks that requests are labelled with the route pattern, never the path,
// that unmatched paths and unknown methods fall into one value each, and that the status is the one the
// client got.
func TestHTTPLabelsAreBounded(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	srv := httptest.NewServer(router(metrics.NewHTTP(reg, "test")))
	t.Cleanup(srv.Close)
	metricsSrv := httptest.NewServer(metrics.Handler(reg))
	t.Cleanup(metricsSrv.Close)

	cases := []struct {
		name, method, path string
		status             int
		route, methodLabel string
	}{
		{name: "pattern_not_path_1", method: http.MethodGet, path: "/items/1", status: http.StatusNoContent, route: "/items/{id}", methodLabel: "GET"},
		{name: "pattern_not_path_2", method: http.MethodGet, path: "/items/2?x=y", status: http.StatusNoContent, route: "/items/{id}", methodLabel: "GET"},
		{name: "not_found", method: http.MethodGet, path: "/users/42", status: http.StatusNotFound, route: "unmatched", methodLabel: "GET"},
		{name: "method_not_allowed", method: http.MethodPost, path: "/items/1", status: http.StatusMethodNotAllowed, route: "unmatched", methodLabel: "POST"},
		{name: "unknown_method", method: "BREW", path: "/items/1", status: http.StatusMethodNotAllowed, route: "unmatched", methodLabel: "other"},
		{name: "nothing_written", method: http.MethodGet, path: "/silent", status: http.StatusOK, route: "/silent", methodLabel: "GET"},
		{name: "recovered_panic", method: http.MethodGet, path: "/panic", status: http.StatusInternalServerError, route: "/panic", methodLabel: "GET"},
	}
	for _, c := range cases {
		require.Equal(t, c.status, send(t, srv.URL, c.method, c.path), c.name)
	}

	m := metricstest.Get(t, metricsSrv.URL)
	for _, c := range cases {
		labels := map[string]string{"service": "test", "route": c.route, "method": c.methodLabel, "code": itoa(c.status)}
		require.Positive(t, m.Value(t, "http_requests_total", labels), c.name)
	}
	require.Equal(t, 2.0, m.Value(t, "http_requests_total", map[string]string{"route": "/items/{id}"}))
	require.Equal(t, uint64(2), m.Count(t, "http_request_duration_seconds", map[string]string{"route": "/items/{id}", "method": "GET"}))
	require.Equal(t, []string{"/items/{id}", "/panic", "/silent", "unmatched"}, m.LabelValues("http_requests_total", "route"))
	require.Equal(t, []string{"GET", "POST", "other"}, m.LabelValues("http_requests_total", "method"))
}

// TestHTTPSharedByTwoServices builds two services' middleware on one registry, as the all-in-one process
// does: no double registration panic, and each service's requests under its own label.
func TestHTTPSharedByTwoServices(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	a := httptest.NewServer(router(metrics.NewHTTP(reg, "a")))
	t.Cleanup(a.Close)
	b := httptest.NewServer(router(metrics.NewHTTP(reg, "b")))
	t.Cleanup(b.Close)
	metricsSrv := httptest.NewServer(metrics.Handler(reg))
	t.Cleanup(metricsSrv.Close)

	send(t, a.URL, http.MethodGet, "/items/1")
	send(t, b.URL, http.MethodGet, "/items/1")
	send(t, b.URL, http.MethodGet, "/items/2")

	m := metricstest.Get(t, metricsSrv.URL)
	require.Equal(t, 1.0, m.Value(t, "http_requests_total", map[string]string{"service": "a"}))
	require.Equal(t, 2.0, m.Value(t, "http_requests_total", map[string]string{"service": "b"}))
}

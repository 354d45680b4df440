package processor_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/processor"
)

// TestOpenAPIDocumentsEveryRoute checks that the processor's metrics router serves exactly the
// operations of its OpenAPI document, none missing on either side.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	routes, ok := processor.MetricsRoutes(prometheus.NewRegistry()).(chi.Routes)
	require.True(t, ok, "MetricsRoutes is a chi router")
	openapitest.RequireRoutes(t, openapi.Processor, routes)
}

// TestOpenAPIServed checks that GET /openapi.json answers the processor's document, and that this
// request and the others the router answers match the document.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Processor, processor.MetricsRoutes(prometheus.NewRegistry())))
	t.Cleanup(srv.Close)
	get := func(path string) (int, []byte) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, body
	}
	status, body := get("/openapi.json")
	require.Equal(t, http.StatusOK, status, "body: %s", body)
	want, err := openapi.Document(openapi.Processor)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(body))
	for path, want := range map[string]int{"/health": http.StatusOK, "/metrics": http.StatusOK, "/nothing": http.StatusNotFound} {
		status, body := get(path)
		require.Equal(t, want, status, "%s: %s", path, body)
	}
}

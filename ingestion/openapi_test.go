package ingestion_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
)

// TestOpenAPIDocumentsEveryRoute checks that the ingestion router serves exactly the operations of its
// OpenAPI document, none missing on either side.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	broker := memoryBroker(t)
	api := ingestion.NewAPI(broker.Publisher(), broker.Topic(), broker.Ready, slog.New(slog.DiscardHandler))
	t.Cleanup(api.Close)
	routes, ok := api.Routes().(chi.Routes)
	require.True(t, ok, "Routes is a chi router")
	openapitest.RequireRoutes(t, openapi.Ingestion, routes)
}

// TestOpenAPIServed checks that GET /openapi.json answers ingestion's document, and that GET /metrics,
// which no other test of the package reads through newServer, answers as documented.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	require.Equal(t, http.StatusOK, srv.get(t, "/metrics").status)
	r := srv.get(t, "/openapi.json")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
	want, err := openapi.Document(openapi.Ingestion)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(r.body))
}

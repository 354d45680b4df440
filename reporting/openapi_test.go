package reporting_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/reporting"
)

// TestOpenAPIDocumentsEveryRoute checks that the reporting router, as Serve builds it (the query API
// included), serves exactly the operations of its OpenAPI document, none missing on either side.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	api := reporting.NewAPI(reporting.NewStore(pool), nil, pool.Ping, slog.New(slog.DiscardHandler))
	api.AnswerQueries(pool, nil)
	routes, ok := api.Routes().(chi.Routes)
	require.True(t, ok, "Routes is a chi router")
	openapitest.RequireRoutes(t, openapi.Reporting, routes)
}

// TestOpenAPIServed checks that GET /openapi.json answers reporting's document, and that GET /metrics,
// which no other test of the package reads through newServer, answers as documented.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	url := newServer(t)
	require.Equal(t, http.StatusOK, get(t, url, "/metrics", "").status)
	r := get(t, url, "/openapi.json", "")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.Equal(t, "application/json; charset=utf-8", r.contentType)
	want, err := openapi.Document(openapi.Reporting)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(r.body))
}

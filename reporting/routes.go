package reporting

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// Routes returns the reporting HTTP API, GET /metrics and the dashboard (GET /) included, every request counted and timed by route.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(a.http.Middleware, httpapi.Log(a.log), httpapi.Recoverer)
	r.NotFound(httpapi.NotFound)
	r.MethodNotAllowed(httpapi.MethodNotAllowed)
	r.Get("/", a.dashboardPage)
	r.Get("/dashboard/{file}", a.dashboardAsset)
	r.Get("/health", httpapi.Health)
	r.Get("/ready", httpapi.Ready("postgres", a.ready))
	r.Get("/stats", a.getStats)
	if a.queries != nil {
		r.Post("/api/v2/query", a.postQuery)
	}
	r.Method(http.MethodGet, "/metrics", metrics.Handler(a.registry))
	r.Method(http.MethodGet, "/openapi.json", openapi.Handler(openapi.Reporting))
	return r
}

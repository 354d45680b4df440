package processor

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// MetricsRoutes returns the processor's HTTP API, on METRICS_PORT: GET /metrics, what reg gathers in
// Prometheus's text format, and GET /health.
func MetricsRoutes(reg *prometheus.Registry) http.Handler {
	r := chi.NewRouter()
	r.Use(httpapi.Recoverer)
	r.NotFound(httpapi.NotFound)
	r.MethodNotAllowed(httpapi.MethodNotAllowed)
	r.Get("/health", httpapi.Health)
	// A collector that fails leaves its metrics out; the rest of the scrape still answers.
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, ErrorHandling: promhttp.ContinueOnError}))
	r.Method(http.MethodGet, "/openapi.json", openapi.Handler(openapi.Processor))
	return r
}

package ingestion

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/analytics-pipeline/analytics/internal/clientip"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// Routes returns the ingestion HTTP API, GET /metrics included, every request counted and timed by route;
// a handler finds the client's address with clientip.From.
// Request ids are made per request only when debug logging is on (httpapi.Log); otherwise the packer
// makes one only for a message that carries a single request, and an error line for its request.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(a.http.Middleware, httpapi.Log(a.log), httpapi.Recoverer, clientip.Middleware(a.trusted))
	r.NotFound(httpapi.NotFound)
	r.MethodNotAllowed(httpapi.MethodNotAllowed)
	r.Get("/health", httpapi.Health)
	r.Get("/ready", httpapi.Ready("broker", a.ready))
	r.Group(func(r chi.Router) { // what a browser calls from a site's pages (see allowBrowsers)
		r.Use(allowBrowsers)
		r.Post("/event", a.postEvent)
		r.Post("/events", a.postEvents)
		r.Post("/api/event", a.postPlausibleEvent)
		for _, path := range []string{"/event", "/events", "/api/event"} {
			r.Options(path, preflight(http.MethodPost))
		}
		a.segmentRoutes(r)
		r.Method(http.MethodGet, "/js/script.js", newScript(trackerSource))
	})
	r.Method(http.MethodGet, "/metrics", metrics.Handler(a.registry))
	r.Method(http.MethodGet, "/openapi.json", openapi.Handler(openapi.Ingestion))
	return r
}

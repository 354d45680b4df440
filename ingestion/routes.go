package ingestion

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// Routes returns the ingestion HTTP API.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, httpapi.Recoverer)
	r.NotFound(httpapi.NotFound)
	r.MethodNotAllowed(httpapi.MethodNotAllowed)
	r.Get("/health", httpapi.Health)
	r.Get("/ready", httpapi.Ready("broker", a.ready))
	r.Post("/event", a.postEvent)
	r.Post("/events", a.postEvents)
	return r
}

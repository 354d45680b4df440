package ingestion

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// Routes returns the ingestion HTTP API. Request ids are not made per request by middleware: the packer
// makes one only for a message that carries a single request, the only place it goes.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(httpapi.Recoverer)
	r.NotFound(httpapi.NotFound)
	r.MethodNotAllowed(httpapi.MethodNotAllowed)
	r.Get("/health", httpapi.Health)
	r.Get("/ready", httpapi.Ready("broker", a.ready))
	r.Post("/event", a.postEvent)
	r.Post("/events", a.postEvents)
	return r
}

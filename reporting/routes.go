package reporting

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// Routes returns the reporting HTTP API.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(httpapi.Log(a.log), httpapi.Recoverer)
	r.NotFound(httpapi.NotFound)
	r.MethodNotAllowed(httpapi.MethodNotAllowed)
	r.Get("/health", httpapi.Health)
	r.Get("/ready", httpapi.Ready("postgres", a.ready))
	r.Get("/stats", a.getStats)
	return r
}

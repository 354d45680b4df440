package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/analytics-pipeline/analytics/internal/metrics"
)

// BenchmarkMiddleware measures what the HTTP metrics add to a request: the same chi route answered
// without and with the middleware. The difference is the cost per request.
func BenchmarkMiddleware(b *testing.B) {
	for _, bc := range []struct {
		name       string
		instrument bool
	}{{"without", false}, {"with", true}} {
		b.Run(bc.name, func(b *testing.B) {
			r := chi.NewRouter()
			if bc.instrument {
				r.Use(metrics.NewHTTP(metrics.NewRegistry(), "bench").Middleware)
			}
			r.Post("/event", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req := httptest.NewRequest(http.MethodPost, "/event", nil)
				w := httptest.NewRecorder()
				for pb.Next() {
					r.ServeHTTP(w, req)
				}
			})
		})
	}
}

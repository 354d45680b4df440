package httpapi

import (
	"context"
	"net/http"
	"time"
)

// Health answers liveness probes with the seed's {"status":"ok"}.
func Health(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Ready returns a readiness handler that answers 200 when check succeeds within two seconds and 503
// with the reason otherwise.
func Ready(dependency string, check func(context.Context) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := check(ctx); err != nil {
			WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", dependency: err.Error()})
			return
		}
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", dependency: "ok"})
	}
}

package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

// Log returns middleware that, when log is enabled at debug level, gives each request an id (the
// client's X-Request-Id when sane, a new one otherwise), sends it back in X-Request-Id, and logs one
// line per request: method, route pattern, status, bytes, duration and request id. Never the client's
// address, the URL's path or query, headers or bodies. With debug off it adds nothing to a request, not
// even an id. Put it first, so that it sees the status Recoverer answers.
func Log(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !log.Enabled(r.Context(), slog.LevelDebug) {
				next.ServeHTTP(w, r)
				return
			}
			start := time.Now()
			id := r.Header.Get(RequestIDHeader)
			if !SaneRequestID(id) {
				id = NewRequestID()
			}
			w.Header().Set(RequestIDHeader, id)
			rec := &Recorder{ResponseWriter: w}
			r = withRequestID(r, id)
			next.ServeHTTP(rec, r)
			log.LogAttrs(r.Context(), slog.LevelDebug, "request",
				slog.String("method", Method(r)), slog.String("route", Route(r)), slog.Int("status", rec.Status()),
				slog.Int64("bytes", rec.Bytes), slog.Duration("duration", time.Since(start)), slog.String("request_id", id))
		})
	}
}

// LogError logs msg at error level with r's request id, making one if r has none, and sends the id back
// in X-Request-Id so that the client can quote it. Call it before writing the answer.
func LogError(log *slog.Logger, w http.ResponseWriter, r *http.Request, msg string, args ...any) {
	id := RequestID(r)
	if id == "" {
		id = NewRequestID()
	}
	w.Header().Set(RequestIDHeader, id)
	log.Error(msg, append([]any{"request_id", id, "route", Route(r)}, args...)...)
}

// Route returns the route pattern r matched ("/stats"), a bounded value unlike its path, or "unmatched".
func Route(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

// Method returns r's method when it is a standard one, "other" otherwise: a client may send any token.
func Method(r *http.Request) string {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return r.Method
	}
	return "other"
}

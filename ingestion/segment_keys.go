package ingestion

import (
	"context"
	"errors"
	"net/http"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/sources"
)

// writeKeys finds the site of a write key (sources.Keys).
type writeKeys interface {
	Site(ctx context.Context, key string) (string, error)
}

// AcceptWriteKeys makes the Segment-spec endpoints (POST /v1/*) of Routes, called after it, take the
// sites of their calls from keys. Without it they refuse every request with 401: no key is known.
func (a *API) AcceptWriteKeys(keys *sources.Keys) {
	a.writeKeys = keys
}

// segmentSite returns the site of a request's write key, sent as the HTTP Basic username (the password
// is ignored) or, failing that, as writeKey in the body (raw: its raw JSON value). Otherwise it answers
// 401, or 503 when Postgres is needed and does not answer, and reports false. A site_id in the body is
// not read: the key decides the site.
func (a *API) segmentSite(w http.ResponseWriter, r *http.Request, raw string) (string, bool) {
	key, _, ok := r.BasicAuth()
	if !ok || key == "" {
		key, _ = unquote(raw)
	}
	if key == "" {
		a.metrics.reject(rejectUnauthorized, 1)
		httpapi.WriteError(w, http.StatusUnauthorized, "missing write key: send it as the HTTP Basic username or as writeKey in the body")
		return "", false
	}
	if a.writeKeys == nil {
		a.metrics.reject(rejectUnauthorized, 1)
		httpapi.WriteError(w, http.StatusUnauthorized, sources.ErrUnknownKey.Error())
		return "", false
	}
	site, err := a.writeKeys.Site(r.Context(), key)
	switch {
	case errors.Is(err, sources.ErrUnknownKey):
		a.metrics.reject(rejectUnauthorized, 1)
		httpapi.WriteError(w, http.StatusUnauthorized, err.Error())
		return "", false
	case err != nil:
		a.metrics.reject(rejectUnavailable, 1)
		httpapi.LogError(a.log, w, r, "write key not looked up", "err", err)
		w.Header().Set("Retry-After", retryAfterSeconds)
		httpapi.WriteError(w, http.StatusServiceUnavailable, "the write key cannot be checked: the database is unavailable; retry later")
		return "", false
	}
	return site, true
}

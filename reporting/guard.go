package reporting

import (
	"context"
	"net/http"

	"github.com/analytics-pipeline/analytics/internal/apikeys"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// Guard decides whether a request may read a site's statistics (apikeys.Guard).
type Guard interface {
	Check(ctx context.Context, authorization, siteID string) error
}

// RequireKey puts GET /stats behind guard (STATS_REQUIRE_KEY=true): a request needs a key with access to
// its site_id, unless the site is public.
func (a *API) RequireKey(guard Guard) {
	a.guard = guard
}

// allowed reports whether r may read siteID's statistics; when it may not, it has answered: 401 or 429
// as apikeys.WriteDenial answers them, 503 when the keys cannot be read.
func (a *API) allowed(w http.ResponseWriter, r *http.Request, siteID string) bool {
	if a.guard == nil {
		return true
	}
	err := a.guard.Check(r.Context(), r.Header.Get("Authorization"), siteID)
	if err == nil {
		return true
	}
	if !apikeys.WriteDenial(w, err) {
		httpapi.LogError(a.log, w, r, "check API key", "err", err)
		httpapi.WriteError(w, http.StatusServiceUnavailable, "statistics are unavailable; retry later")
	}
	return false
}

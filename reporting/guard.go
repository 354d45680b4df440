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

// allowed reports whether r may read siteID's statistics from GET /stats (allowedBy with the /stats
// guard and the seed's error shape).
func (a *API) allowed(w http.ResponseWriter, r *http.Request, siteID string) bool {
	return a.allowedBy(a.guard, w, r, siteID, func(w http.ResponseWriter, status int, message string) {
		httpapi.WriteError(w, status, message)
	})
}

// allowedBy reports whether guard lets r read siteID's statistics (a nil guard lets everyone); when it
// does not, it has answered: 401 or 429 as apikeys.WriteDenial answers them, or, when the keys cannot be
// read, 503 written by unavailable in the endpoint's error shape.
func (a *API) allowedBy(guard Guard, w http.ResponseWriter, r *http.Request, siteID string,
	unavailable func(w http.ResponseWriter, status int, message string)) bool {
	if guard == nil {
		return true
	}
	err := guard.Check(r.Context(), r.Header.Get("Authorization"), siteID)
	if err == nil {
		return true
	}
	if !apikeys.WriteDenial(w, err) {
		httpapi.LogError(a.log, w, r, "check API key", "err", err)
		unavailable(w, http.StatusServiceUnavailable, "statistics are unavailable; retry later")
	}
	return false
}

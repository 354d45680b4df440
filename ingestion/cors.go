package ingestion

import (
	"context"
	"net/http"
	"strconv"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

// CORS headers.
const (
	allowOrigin = "Access-Control-Allow-Origin"
	anyOrigin   = "*"
	// corsMaxAge is how long, in seconds, a browser may keep a preflight's answer (Chrome keeps it at most
	// 2 hours, Firefox 24).
	corsMaxAge = "86400"
)

// anyOriginValue is the header value of anyOrigin, made once.
var anyOriginValue = []string{anyOrigin}

// allowBrowsers is the middleware of the endpoints a browser calls from a site's pages, on another
// origin than ingestion's: every answer allows any origin, so that a page can read even an error, unless
// the handler's origin check (checkOrigin) narrows it.
func allowBrowsers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()[allowOrigin] = anyOriginValue // shared, never changed: Set and Del replace it
		next.ServeHTTP(w, r)
	})
}

// preflight answers a CORS preflight of an endpoint taking methods, for any origin: the site, and so
// the origins it allows, is known only from the body of the request that follows.
func preflight(methods string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set(allowOrigin, anyOrigin)
		h.Set("Access-Control-Allow-Methods", methods)
		h.Set("Access-Control-Allow-Headers", "Content-Type")
		h.Set("Access-Control-Max-Age", corsMaxAge)
		w.WriteHeader(http.StatusNoContent)
	}
}

// CheckOrigins makes the handlers of Routes, called after it, refuse a browser's events for a site that
// does not allow the request's Origin (sites.Origins). Without it every origin may send every site's
// events. cmd/ingestion checks them whenever it identifies visitors.
func (a *API) CheckOrigins(origins *sites.Origins) {
	a.origins = origins
}

// checkOrigin applies the allowed origins of the events' sites to a request from a browser (one with an
// Origin header; servers send none and are not checked) and reports true when every site allows it: the
// answer then names the origin (with Vary: Origin) if any site has a list, "*" otherwise. Otherwise it
// answers 403 without Access-Control-Allow-Origin, or 503 when the lists cannot be read, and reports false.
func (a *API) checkOrigin(w http.ResponseWriter, r *http.Request, events []event.Event) bool {
	origin := r.Header.Get("Origin")
	if a.origins == nil || origin == "" {
		return true
	}
	listed, refused, err := a.originRefused(r.Context(), origin, events)
	if err != nil {
		a.metrics.reject(rejectUnavailable, len(events))
		httpapi.LogError(a.log, w, r, "allowed origins not read; events not queued", "err", err)
		w.Header().Set("Retry-After", retryAfterSeconds)
		httpapi.WriteError(w, http.StatusServiceUnavailable, "the sites' allowed origins cannot be read: the database is unavailable; retry later")
		return false
	}
	if !listed {
		return true
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	if refused != "" {
		h.Del(allowOrigin)
		a.metrics.reject(rejectOrigin, len(events))
		httpapi.WriteError(w, http.StatusForbidden, "origin "+strconv.Quote(origin)+" may not send events to site "+strconv.Quote(refused)+
			": it is not among the site's allowed origins")
		return false
	}
	h.Set(allowOrigin, origin)
	return true
}

// originRefused reports whether any of the events' sites has a list of allowed origins, and the first
// site whose list does not hold origin ("" when none).
func (a *API) originRefused(ctx context.Context, origin string, events []event.Event) (listed bool, refused string, err error) {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	for i := range events {
		site := events[i].SiteID
		if i > 0 && site == events[i-1].SiteID {
			continue
		}
		allowed, err := a.origins.Get(ctx, site)
		if err != nil {
			return false, "", err
		}
		if len(allowed) == 0 {
			continue
		}
		listed = true
		if !sites.OriginAllowed(allowed, origin) {
			return true, site, nil
		}
	}
	return listed, "", nil
}

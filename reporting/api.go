// Package reporting is the HTTP API that serves daily statistics from the projections.
package reporting

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/metrics"
)

// maxSiteID bounds the site_id query parameter, as ingestion bounds the field.
const maxSiteID = 128

// StatsReader is what the API needs from the store.
type StatsReader interface {
	Stats(ctx context.Context, siteID string, day time.Time) (DayStats, error)
}

// Zones tells the time zone a site's days are counted in.
type Zones interface {
	Get(ctx context.Context, siteID string) (*time.Location, error)
}

// API holds the handlers' dependencies.
type API struct {
	stats StatsReader
	zones Zones // nil: today is UTC's
	guard Guard // nil: /stats is open to everyone
	cache *StatsCache
	ready func(context.Context) error
	log   *slog.Logger
	now   func() time.Time

	registry     *prometheus.Registry
	http         *metrics.HTTP
	cacheMetrics cacheMetrics

	// queries answers POST /api/v2/query (AnswerQueries); nil: the route is not served.
	queries QueryDB
	// queryGuard decides which sites a POST /api/v2/query may read (AnswerQueries).
	queryGuard Guard
	// assets are the dashboard's embedded files, by name (dashboard.go).
	assets map[string]asset
}

// NewAPI returns handlers reading from stats through cache, which may be nil for none; ready reports
// whether Postgres answers.
func NewAPI(stats StatsReader, cache *StatsCache, ready func(context.Context) error, log *slog.Logger) *API {
	a := &API{stats: stats, cache: cache, ready: ready, log: log, now: time.Now, assets: dashboardAssets()}
	a.Instrument(metrics.NewRegistry())
	return a
}

// CountDaysIn makes /stats without a date answer the site's today in its zone (from zones) instead of UTC's.
func (a *API) CountDaysIn(zones Zones) {
	a.zones = zones
}

// today is the calendar date it is now in siteID's zone, at midnight UTC as days are keyed.
func (a *API) today(ctx context.Context, siteID string) (time.Time, error) {
	loc := time.UTC
	if a.zones != nil {
		var err error
		if loc, err = a.zones.Get(ctx, siteID); err != nil {
			return time.Time{}, err
		}
	}
	y, m, d := a.now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
}

// statsResponse is the seed's /stats response.
type statsResponse struct {
	SiteID      string         `json:"site_id"`
	Date        string         `json:"date"`
	TotalViews  int64          `json:"total_views"`
	UniqueUsers int64          `json:"unique_users"`
	TopPaths    []pathResponse `json:"top_paths"`
}

type pathResponse struct {
	Path  string `json:"path"`
	Views int64  `json:"views"`
}

func toResponse(siteID string, day time.Time, s DayStats) statsResponse {
	paths := make([]pathResponse, len(s.TopPaths))
	for i, p := range s.TopPaths {
		paths[i] = pathResponse{Path: p.Path, Views: p.Views}
	}
	return statsResponse{SiteID: siteID, Date: day.Format(time.DateOnly), TotalViews: s.TotalViews, UniqueUsers: s.UniqueUsers, TopPaths: paths}
}

// getStats answers GET /stats?site_id=&date=; date defaults to the site's today (in its time zone).
func (a *API) getStats(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, "malformed query string: "+err.Error())
		return
	}
	var problems []string
	siteID := q.Get("site_id")
	switch {
	case siteID == "":
		problems = append(problems, `"site_id" is required`)
	case !utf8.ValidString(siteID) || strings.ContainsRune(siteID, 0) || utf8.RuneCountInString(siteID) > maxSiteID:
		problems = append(problems, `"site_id" must be valid UTF-8 without NUL, of at most 128 characters`)
	}
	var day time.Time
	if s := q.Get("date"); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			problems = append(problems, `"date" must be a calendar date in the form YYYY-MM-DD`)
		}
		day = d
	}
	if len(problems) > 0 {
		httpapi.WriteError(w, http.StatusBadRequest, problems...)
		return
	}
	if !a.allowed(w, r, siteID) {
		return
	}
	if day.IsZero() {
		if day, err = a.today(r.Context(), siteID); err != nil {
			httpapi.LogError(a.log, w, r, "read the site's time zone", "err", err)
			httpapi.WriteError(w, http.StatusServiceUnavailable, "statistics are unavailable; retry later")
			return
		}
	}
	body, fill := a.cache.lookup(keyOf(siteID, day))
	a.cacheMetrics.lookedUp(body != nil)
	if body == nil {
		stats, err := a.stats.Stats(r.Context(), siteID, day)
		if err != nil {
			httpapi.LogError(a.log, w, r, "read stats", "err", err)
			httpapi.WriteError(w, http.StatusServiceUnavailable, "statistics are unavailable; retry later")
			return
		}
		if body, err = httpapi.EncodeJSON(toResponse(siteID, day, stats)); err != nil {
			httpapi.LogError(a.log, w, r, "encode stats", "err", err)
			httpapi.WriteError(w, http.StatusInternalServerError, "internal error")
			return
		}
		a.cache.store(fill, body)
	}
	httpapi.WriteEncoded(w, http.StatusOK, body)
}

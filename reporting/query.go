package reporting

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/statsquery"
)

// maxQueryBody bounds a POST /api/v2/query body; a query is a few hundred bytes.
const maxQueryBody = 64 << 10

// QueryDB is what POST /api/v2/query reads: Postgres, in a read-only snapshot per query.
type QueryDB interface {
	statsquery.DB
	statsquery.Querier
}

// AnswerQueries serves POST /api/v2/query from db, to the requests guard allows: a key with access to
// the site, or a public site. A nil guard answers every request (tests of the answers themselves).
func (a *API) AnswerQueries(db QueryDB, guard Guard) {
	a.queries, a.queryGuard = db, guard
}

// queryError answers a Plausible-style error: {"error": "message"}.
func queryError(w http.ResponseWriter, status int, message string) {
	httpapi.WriteJSON(w, status, map[string]string{"error": message})
}

// postQuery answers POST /api/v2/query, Plausible's Stats API v2 (internal/statsquery).
func (a *API) postQuery(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxQueryBody))
	if err != nil {
		queryError(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	obj, err := statsquery.Decode(body)
	if err != nil {
		queryError(w, http.StatusBadRequest, err.Error())
		return
	}
	siteID, err := statsquery.SiteID(obj)
	if err != nil {
		queryError(w, http.StatusBadRequest, err.Error())
		return
	}
	// The key is checked once the site is known and before anything else about the query is read or
	// answered, so a refused key learns nothing of the site or of the query's validity.
	if !a.allowedBy(a.queryGuard, w, r, siteID, queryError) {
		return
	}
	req, err := statsquery.Parse(obj)
	if err != nil {
		queryError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, q, err := a.answer(r.Context(), req)
	switch {
	case statsquery.IsInvalid(err):
		queryError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		httpapi.LogError(a.log, w, r, "answer query", "err", err)
		queryError(w, http.StatusServiceUnavailable, "statistics are unavailable; retry later")
	default:
		httpapi.WriteJSON(w, http.StatusOK, statsquery.NewResponse(q, res))
	}
}

// answer resolves req's range in the site's zone and runs it.
func (a *API) answer(ctx context.Context, req statsquery.Request) (*statsquery.Result, *statsquery.Query, error) {
	zone := time.UTC
	if a.zones != nil {
		var err error
		if zone, err = a.zones.Get(ctx, req.SiteID); err != nil {
			return nil, nil, err
		}
	}
	var start time.Time
	if req.DateRange == "all" {
		var err error
		if start, err = statsquery.StatsStart(ctx, a.queries, req.SiteID); err != nil {
			return nil, nil, err
		}
	}
	rng, err := statsquery.Resolve(req, zone, a.now(), start)
	if err != nil {
		return nil, nil, err
	}
	q := statsquery.NewQuery(req, rng)
	res, err := statsquery.Run(ctx, a.queries, q)
	return res, q, err
}

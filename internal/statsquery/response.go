package statsquery

import "time"

// Response is the body of a query's answer, in Plausible's shape.
type Response struct {
	Results []Row          `json:"results"`
	Meta    map[string]any `json:"meta"`
	Query   Echo           `json:"query"`
}

// Echo is the query as it was answered, as Plausible's documented answers show it: its date range
// resolved to instants in the site's zone, its "time" dimension resolved, its order made explicit, its
// include and pagination as sent.
type Echo struct {
	SiteID     string         `json:"site_id"`
	Metrics    []string       `json:"metrics"`
	DateRange  [2]string      `json:"date_range"`
	Filters    []any          `json:"filters"`
	Dimensions []string       `json:"dimensions"`
	OrderBy    [][2]string    `json:"order_by"`
	Include    map[string]any `json:"include"`
	Pagination map[string]any `json:"pagination,omitempty"`
}

// isoOffset is how Plausible writes the range's instants: 2024-09-04T00:00:00+00:00.
const isoOffset = "2006-01-02T15:04:05-07:00"

// NewResponse encodes res as the answer to q.
func NewResponse(q *Query, res *Result) Response {
	meta := map[string]any{}
	if q.Include.TimeLabels {
		meta["time_labels"] = res.TimeLabels
	}
	if q.Include.TotalRows {
		meta["total_rows"] = res.TotalRows
	}
	if q.Include.Imports {
		meta["imports_included"] = false
	}
	filters := q.rawFilters
	if filters == nil {
		filters = []any{}
	}
	var orders [][2]string
	for _, o := range orderBy(q) {
		dir := "asc"
		if o.Desc {
			dir = "desc"
		}
		orders = append(orders, [2]string{o.By, dir})
	}
	include := q.rawInclude
	if include == nil {
		include = map[string]any{}
	}
	zone := q.Range.Zone
	return Response{
		Results: res.Rows,
		Meta:    meta,
		Query: Echo{
			SiteID:  q.SiteID,
			Metrics: q.Metrics,
			DateRange: [2]string{q.Range.Start.In(zone).Format(isoOffset),
				q.Range.lastInstant().In(zone).Truncate(time.Second).Format(isoOffset)},
			Filters:    filters,
			Dimensions: q.Dims,
			OrderBy:    orders,
			Include:    include,
			Pagination: q.rawPagination,
		},
	}
}

// statsStartSQL reads the first local day with a visit of site $1.
const statsStartSQL = `SELECT coalesce(min(day), '0001-01-01') FROM visits WHERE site_id = $1`

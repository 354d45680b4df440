// Package statsquery answers Plausible's Stats API v2 (POST /api/v2/query) from the projections: Parse
// turns a request body into a Request as Plausible's schema and QueryParser would (same refusals, same
// messages where Plausible's are known), Resolve fixes its date range in the site's time zone, and Run
// answers it with SQL chosen per query (see plan.go), exactly: distinct visitors are counted over the
// whole range, never summed over days.
package statsquery

import "strings"

// Metric names as the API spells them.
const (
	Visitors      = "visitors"
	Visits        = "visits"
	Pageviews     = "pageviews"
	ViewsPerVisit = "views_per_visit"
	BounceRate    = "bounce_rate"
	VisitDuration = "visit_duration"
	Events        = "events"
	Percentage    = "percentage"
)

// metrics are the metrics answered here, in Plausible's order.
var metrics = []string{Visitors, Visits, Pageviews, ViewsPerVisit, BounceRate, VisitDuration, Events, Percentage}

// plausibleOnlyMetrics are metrics of Plausible's API that this pipeline has no data for (README, differences).
var plausibleOnlyMetrics = []string{"scroll_depth", "conversion_rate", "group_conversion_rate", "average_revenue",
	"total_revenue", "time_on_page", "exit_rate"}

// eventDimensions and visitDimensions are the non-time dimensions answered here, besides event:props:<key>.
var (
	eventDimensions = []string{"event:page", "event:name", "event:hostname"}
	visitDimensions = []string{"visit:entry_page", "visit:exit_page", "visit:source", "visit:referrer",
		"visit:utm_source", "visit:utm_medium", "visit:utm_campaign", "visit:utm_content", "visit:utm_term",
		"visit:device", "visit:browser", "visit:browser_version", "visit:os", "visit:os_version"}
	timeDimensions = []string{"time", "time:hour", "time:day", "time:week", "time:month"}
)

// plausibleOnlyDimensions are dimensions of Plausible's API that this pipeline has no data for.
var plausibleOnlyDimensions = []string{"event:goal", "visit:channel", "visit:screen", "visit:country",
	"visit:region", "visit:city", "visit:country_name", "visit:region_name", "visit:city_name",
	"visit:entry_page_hostname", "visit:exit_page_hostname", "time:minute"}

// propsPrefix starts a custom property dimension: event:props:<key>.
const propsPrefix = "event:props:"

func isTime(d string) bool { return d == "time" || strings.HasPrefix(d, "time:") }

func isEventDimension(d string) bool { return strings.HasPrefix(d, "event:") }

// isSessionOnly reports the dimensions only a visit has (Plausible's TableDecider: entry and exit page).
func isSessionOnly(d string) bool { return d == "visit:entry_page" || d == "visit:exit_page" }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// knownDimension reports whether d is a dimension answered here (time dimensions included).
func knownDimension(d string) bool {
	if strings.HasPrefix(d, propsPrefix) {
		return len(d) > len(propsPrefix)
	}
	return contains(eventDimensions, d) || contains(visitDimensions, d) || contains(timeDimensions, d)
}

// Request is a parsed, valid query whose date range is not yet resolved.
type Request struct {
	SiteID        string
	Metrics       []string
	DateRange     any    // "7d" or a [from, to] pair of strings, as sent
	Date          string // reference day for relative ranges, "" for the site's today
	Dimensions    []string
	Filters       []Filter
	OrderBy       []Order
	Include       Include
	Limit         int
	Offset        int
	rawFilters    []any
	rawInclude    map[string]any // include and pagination as sent, which the answer echoes
	rawPagination map[string]any
}

// Order is one order_by entry: a queried metric or dimension and whether it sorts descending.
type Order struct {
	By   string
	Desc bool
}

// Include holds the include options.
type Include struct {
	TimeLabels bool `json:"time_labels"`
	TotalRows  bool `json:"total_rows"`
	Imports    bool `json:"imports"`
}

package queryoracle

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Dimensions are every dimension a generated query may ask for.
var Dimensions = []string{"event:page", "event:name", "event:hostname", "event:props:plan", "event:props:variant",
	"visit:entry_page", "visit:exit_page", "visit:source", "visit:referrer", "visit:utm_source", "visit:utm_medium",
	"visit:utm_campaign", "visit:utm_content", "visit:utm_term", "visit:device", "visit:browser",
	"visit:browser_version", "visit:os", "visit:os_version", "time", "time:hour", "time:day", "time:week", "time:month"}

// Metrics are every metric a generated query may ask for.
var Metrics = []string{"visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration", "events", "percentage"}

var operators = []string{"is", "is_not", "contains", "contains_not", "matches", "matches_not"}

// QueryGenerator makes random valid queries from its RNG.
type QueryGenerator struct {
	rng   *rand.Rand
	sites []string
}

// NewQueryGenerator returns a generator of queries on sites whose choices all come from rng.
func NewQueryGenerator(rng *rand.Rand, sites []string) *QueryGenerator {
	return &QueryGenerator{rng: rng, sites: sites}
}

// Query returns a random query Plausible accepts: a range (relative ones with a reference date in or
// around Month), 0-2 dimensions, 0-3 filters, metrics among the valid combinations, maybe an order_by,
// pagination and includes.
func (g *QueryGenerator) Query() Query {
	q := Query{SiteID: g.sites[g.rng.IntN(len(g.sites))]}
	ref := Month.AddDate(0, 0, g.rng.IntN(34))
	q.Date = ref.Format(time.DateOnly)
	q.DateRange = g.dateRange()
	if q.DateRange.Name == "" {
		q.Date = ""
	}
	q.Dimensions = g.dimensions(q.DateRange)
	for range g.weighted(5, 4, 2, 1) {
		q.Filters = append(q.Filters, g.filter())
	}
	q.Metrics = g.metrics(q.Dimensions, q.Filters)
	if g.rng.IntN(3) == 0 {
		names := append(slices.Clone(q.Metrics), q.Dimensions...)
		q.OrderBy = []Order{{Name: names[g.rng.IntN(len(names))], Direction: []string{"asc", "desc"}[g.rng.IntN(2)]}}
	}
	if g.rng.IntN(3) == 0 {
		q.Pagination = &Pagination{Limit: 1 + g.rng.IntN(15), Offset: g.rng.IntN(6)}
	}
	include := &Include{TotalRows: g.rng.IntN(2) == 0}
	if hasTime(q.Dimensions) && g.rng.IntN(2) == 0 && q.DateRange.Name != "all" && !strings.Contains(q.DateRange.From, "T") {
		include.TimeLabels = true
	}
	if include.TotalRows || include.TimeLabels {
		q.Include = include
	}
	return q
}

// weighted returns i with probability weights[i] / sum.
func (g *QueryGenerator) weighted(weights ...int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	r := g.rng.IntN(sum)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return 0
}

func (g *QueryGenerator) dateRange() DateRange {
	names := []string{"day", "7d", "28d", "30d", "91d", "month", "6mo", "12mo", "year", "all"}
	switch g.weighted(6, 3, 2) {
	case 0:
		return DateRange{Name: names[g.rng.IntN(len(names))]}
	case 1:
		first := Month.AddDate(0, 0, g.rng.IntN(32)-1)
		last := first.AddDate(0, 0, g.rng.IntN(21))
		return DateRange{From: first.Format(time.DateOnly), To: last.Format(time.DateOnly)}
	}
	zones := []string{"Z", "+05:30", "-04:00", "+01:00"}
	from := Month.Add(time.Duration(g.rng.Int64N(int64(31 * 24 * time.Hour)))).Truncate(time.Second)
	to := from.Add(time.Duration(g.rng.Int64N(int64(10 * 24 * time.Hour)))).Truncate(time.Second)
	zone := zones[g.rng.IntN(len(zones))]
	format := func(t time.Time) string {
		if zone == "Z" {
			return t.UTC().Format(time.RFC3339)
		}
		loc, _ := time.Parse("-07:00", zone)
		return t.In(loc.Location()).Format(time.RFC3339)
	}
	return DateRange{From: format(from), To: format(to)}
}

// dimensions picks 0-2 dimensions, at most one of time: none with "all" (its first day is the site's)
// nor "time" beyond 40 days or on date-times, nor time:hour beyond about a month.
func (g *QueryGenerator) dimensions(r DateRange) []string {
	var dims []string
	long := slices.Contains([]string{"91d", "6mo", "12mo", "year", "all"}, r.Name)
	for range g.weighted(3, 4, 3) {
		d := Dimensions[g.rng.IntN(len(Dimensions))]
		switch {
		case slices.Contains(dims, d), strings.HasPrefix(d, "time") && (hasTime(dims) || r.Name == "all"),
			d == "time" && (long || strings.Contains(r.From, "T")), d == "time:hour" && long:
			continue
		}
		dims = append(dims, d)
	}
	return dims
}

func hasTime(dims []string) bool {
	return slices.ContainsFunc(dims, func(d string) bool { return strings.HasPrefix(d, "time") })
}

func (g *QueryGenerator) filter() Filter {
	switch g.weighted(8, 1, 1, 1) {
	case 1:
		return Filter{Op: "and", Children: []Filter{g.leaf(false), g.leaf(false)}}
	case 2:
		return Filter{Op: "or", Children: []Filter{g.leaf(false), g.leaf(false)}}
	case 3:
		return Filter{Op: "not", Children: []Filter{g.leaf(false)}}
	}
	return g.leaf(true)
}

// leaf is a filter on one dimension: not on time, and on event:hostname only at the top level (Plausible's
// QueryParser refuses it elsewhere).
func (g *QueryGenerator) leaf(top bool) Filter {
	var dim string
	for dim == "" || strings.HasPrefix(dim, "time") || (dim == "event:hostname" && !top) {
		dim = Dimensions[g.rng.IntN(len(Dimensions))]
	}
	f := Filter{Op: operators[g.rng.IntN(len(operators))], Dimension: dim, CaseInsensitive: g.rng.IntN(5) == 0}
	pool := filterValues(dim)
	switch f.Op {
	case "contains", "contains_not":
		pool = filterFragments
	case "matches", "matches_not":
		pool = filterPatterns
	}
	for range 1 + g.rng.IntN(2) {
		f.Clauses = append(f.Clauses, pool[g.rng.IntN(len(pool))])
	}
	return f
}

// metrics picks 1-4 distinct metrics valid with dims and filters: no session metric with an event
// dimension other than event:page, no views_per_visit with dimensions or an event:page filter, no event
// metric with visit:entry_page or visit:exit_page.
func (g *QueryGenerator) metrics(dims []string, filters []Filter) []string {
	valid := slices.DeleteFunc(slices.Clone(Metrics), func(m string) bool {
		switch {
		case slices.Contains(sessionMetrics, m) && slices.ContainsFunc(dims, func(d string) bool { return isEventDimension(d) && d != "event:page" }):
			return true
		case m == "views_per_visit" && (len(dims) > 0 || slices.Contains(filterDimensions(filters), "event:page")):
			return true
		case slices.Contains(eventMetrics, m) && (slices.Contains(dims, "visit:entry_page") || slices.Contains(dims, "visit:exit_page")):
			return true
		}
		return false
	})
	g.rng.Shuffle(len(valid), func(i, j int) { valid[i], valid[j] = valid[j], valid[i] })
	return valid[:1+g.rng.IntN(min(4, len(valid)))]
}

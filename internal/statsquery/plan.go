package statsquery

import (
	"slices"
	"strings"
)

// Query is a Request whose date range is resolved and whose "time" dimension is made concrete.
type Query struct {
	Request
	Range Range
	Dims  []string // Dimensions with "time" resolved
}

// NewQuery resolves req's "time" dimension for rng, in order_by as well.
func NewQuery(req Request, rng Range) *Query {
	q := &Query{Request: req, Range: rng, Dims: make([]string, len(req.Dimensions))}
	for i, d := range req.Dimensions {
		if d == "time" {
			d = rng.timeDimension()
		}
		q.Dims[i] = d
	}
	orders := make([]Order, len(req.OrderBy))
	for i, o := range req.OrderBy {
		if o.By == "time" {
			o.By = rng.timeDimension()
		}
		orders[i] = o
	}
	q.OrderBy = orders
	return q
}

// plan says which metrics each side computes. The event side counts events in the range; the visit
// side counts visits starting in the range (a visit belongs to the local day it starts). Which side
// answers visitors and percentage follows Plausible's TableDecider.partition_metrics for v2 queries, so
// that a query touching only visit attributes is answered from visits alone and one touching events from
// events alone; visits are always counted on the visits side unless grouped by an event dimension.
type plan struct {
	eventMetrics []string // of visitors, visits, pageviews, events
	visitMetrics []string // of visitors, visits, bounce_rate, visit_duration, views_per_visit
	percentOn    source   // the side whose visitors percentage divides (fromEvents or fromVisits)
}

func decide(q *Query) plan {
	var eventOnly, sessionOnly, either []string
	for _, m := range q.Metrics {
		switch {
		case contains(eventOnlyMetrics, m):
			eventOnly = append(eventOnly, m)
		case contains(sessionOnlyMetrics, m):
			sessionOnly = append(sessionOnly, m)
		default:
			either = append(either, m)
		}
	}
	eventFilters, sessionFilters := kinds(filterDimensions(q.Filters))
	eventDims, sessionDims := kinds(q.Dims)
	var onEvents, onVisits []string
	switch {
	case len(eventOnly)+eventFilters+eventDims == 0:
		onVisits = q.Metrics
	case len(sessionOnly)+sessionFilters+sessionDims == 0:
		onEvents = q.Metrics
	case len(eventOnly)+eventDims == 0:
		onVisits = q.Metrics
	case len(sessionOnly)+sessionDims == 0:
		onEvents = q.Metrics
	default:
		onEvents = append(eventOnly, either...)
		onVisits = sessionOnly
	}
	if eventDims == 0 && contains(onEvents, Visits) {
		// Without an event dimension to group by, visits are the visits starting in the range: read from
		// visits by day instead of joining every event of the range to its visit.
		onEvents = slices.DeleteFunc(slices.Clone(onEvents), func(m string) bool { return m == Visits })
		onVisits = append(slices.Clone(onVisits), Visits)
	}
	p := plan{percentOn: fromVisits}
	for _, m := range onEvents {
		if m == Percentage {
			p.percentOn = fromEvents
			m = Visitors
		}
		if !contains(p.eventMetrics, m) {
			p.eventMetrics = append(p.eventMetrics, m)
		}
	}
	for _, m := range onVisits {
		if m == Percentage {
			m = Visitors
		}
		if !contains(p.visitMetrics, m) {
			p.visitMetrics = append(p.visitMetrics, m)
		}
	}
	return p
}

// kinds counts the event dimensions and the session-only ones (entry and exit page) among dims.
func kinds(dims []string) (event, session int) {
	for _, d := range dims {
		switch {
		case isEventDimension(d):
			event++
		case isSessionOnly(d):
			session++
		}
	}
	return event, session
}

// hourlyKey returns the dimension of hourly_visitors that answers the event side exactly, or "" when
// raw events must. The hourly rows of one dimension hold every (local hour, value, visitor) with its
// events and page views, so they answer visitors, events and page views over whole local days grouped
// by or filtered on that one dimension and time. Any other need reads raw events: a datetime range, a
// visit dimension or filter or the visits metric (they need each event's visit), two event dimensions at
// once (one event must satisfy both), and for event:hostname and event:props:<key>, which some events
// lack, any breakdown or filter that would have to see the events without one ("(none)", negations).
func hourlyKey(q *Query, metrics, dims []string) string {
	if !q.Range.Days || contains(metrics, Visits) {
		return ""
	}
	keys := map[string]bool{}
	for _, d := range append(filterDimensions(q.Filters), dims...) {
		switch {
		case isTime(d):
		case isEventDimension(d):
			keys[d] = true
		default:
			return ""
		}
	}
	if len(keys) > 1 {
		return ""
	}
	for key := range keys {
		if key == "event:page" || key == "event:name" {
			return key
		}
		if !positiveOn(q.Filters, key) {
			return ""
		}
		return key
	}
	return "event:name"
}

// positiveOn reports whether filters select only events that have a value for key: one top-level leaf
// on key that can only hold for a value, and no negation or "(none)" clause anywhere.
func positiveOn(filters []Filter, key string) bool {
	anchored := false
	for _, f := range filters {
		if f.Dimension == key && !strings.HasSuffix(f.Op, "_not") {
			anchored = true
		}
	}
	ok := anchored
	var check func(fs []Filter)
	check = func(fs []Filter) {
		for _, f := range fs {
			if f.Op == "not" || strings.HasSuffix(f.Op, "_not") || contains(f.Clauses, noneValue) {
				ok = false
			}
			check(f.Children)
		}
	}
	check(filters)
	return ok
}

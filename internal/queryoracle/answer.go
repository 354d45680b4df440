package queryoracle

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Row is one result row: dimension values in the query's order, metric values (float64, or nil for a
// percentage of nothing) in the query's order.
type Row struct {
	Dimensions []string
	Metrics    []any
}

// Result is the oracle's answer to a query.
type Result struct {
	Rows       []Row
	TotalRows  int
	TimeLabels []string
}

// oracle holds what answering one query needs.
type oracle struct {
	site    *site
	zone    *time.Location
	span    span
	regexps map[string]*regexp.Regexp
}

// table is where a query's metrics come from (see the package doc).
type table int

const (
	fromVisits table = iota
	fromEvents
	fromBoth
	fromEventsVisitsStarting // the events, but visits from the visits starting in the range (visitsStarting)
)

var (
	eventMetrics   = []string{"pageviews", "events"}
	sessionMetrics = []string{"bounce_rate", "visit_duration", "views_per_visit"}
)

// Answer computes q's answer from the data. q must be valid: the oracle does not check what the API refuses.
func (d *Data) Answer(q Query) (Result, error) {
	o := &oracle{zone: d.Zone(q.SiteID), regexps: map[string]*regexp.Regexp{}}
	o.site = d.sites[q.SiteID]
	if o.site == nil {
		o.site = &site{zone: o.zone}
	}
	var err error
	if o.span, err = d.resolve(q, o.zone); err != nil {
		return Result{}, err
	}
	dims := make([]string, len(q.Dimensions))
	for i, dim := range q.Dimensions {
		dims[i] = o.timeDimension(dim)
	}
	rows := o.rows(q.Metrics, dims, q.Filters)
	o.order(rows, q)
	res := Result{TotalRows: len(rows)}
	limit, offset := 10000, 0
	if q.Pagination != nil {
		limit, offset = q.Pagination.Limit, q.Pagination.Offset
	}
	res.Rows = rows[min(offset, len(rows)):min(offset+limit, len(rows))]
	if q.Include != nil && q.Include.TimeLabels {
		for _, dim := range dims {
			if strings.HasPrefix(dim, "time") {
				res.TimeLabels = o.timeLabels(dim)
			}
		}
	}
	return res, nil
}

// decide chooses the table as Plausible's TableDecider does.
func decide(metrics, dims []string, filters []Filter) table {
	kinds := func(names []string) (event, session bool) {
		for _, n := range names {
			switch {
			case isEventDimension(n):
				event = true
			case n == "visit:entry_page" || n == "visit:exit_page":
				session = true
			}
		}
		return event, session
	}
	var evM, seM bool
	for _, m := range metrics {
		evM = evM || slices.Contains(eventMetrics, m)
		seM = seM || slices.Contains(sessionMetrics, m)
	}
	evF, seF := kinds(filterDimensions(filters))
	evD, seD := kinds(dims)
	switch {
	case !evM && !evF && !evD:
		return fromVisits
	case !seM && !seF && !seD:
		return fromEvents
	case !evM && !evD:
		return fromVisits
	case !seM && !seD:
		return fromEvents
	}
	return fromBoth
}

func filterDimensions(filters []Filter) []string {
	var dims []string
	for _, f := range filters {
		f.leaves(func(l Filter) { dims = append(dims, l.Dimension) })
	}
	return dims
}

// rows computes every result row, unordered.
func (o *oracle) rows(metrics, dims []string, filters []Filter) []Row {
	table := decide(metrics, dims, filters)
	if table == fromVisits {
		groups, order := o.visitGroups(dims, filters)
		return o.finish(metrics, groups, order, fromVisits, func() int { return o.totalVisitors(filters, fromVisits) })
	}
	if !slices.ContainsFunc(metrics, func(m string) bool { return !slices.Contains(sessionMetrics, m) }) {
		// Plausible's TableDecider.partition_metrics drops a table left without metrics: with session
		// metrics alone the visits answer, split as below (event:page read as the entry page).
		sessionDims, sessionFilters := splitSessions(dims, filters)
		groups, order := o.visitGroups(sessionDims, sessionFilters)
		return o.finish(metrics, groups, order, fromVisits, func() int { return o.totalVisitors(sessionFilters, fromVisits) })
	}
	groups, order := o.eventGroups(dims, filters)
	sessionMetric := slices.ContainsFunc(metrics, func(m string) bool { return slices.Contains(sessionMetrics, m) })
	starting := visitsStarting(metrics, dims)
	if sessionMetric || starting {
		sessionDims, sessionFilters := splitSessions(dims, filters)
		sessions, _ := o.visitGroups(sessionDims, sessionFilters)
		for key, g := range groups {
			if s, ok := sessions[key]; ok {
				g.session = s.session
			} else {
				g.session = sessionAggregate{}
			}
		}
	}
	from := fromEvents
	if starting {
		from = fromEventsVisitsStarting
	}
	return o.finish(metrics, groups, order, from, func() int { return o.totalVisitors(filters, fromEvents) })
}

// visitsStarting reports whether the events answer the visits metric with the visits starting in the range
// (by the same dimensions and filters) rather than the visits of the events in it: always, unless
// grouped by an event dimension. Plausible's TableDecider sends visits with event metrics to the events
// table, which counts every session with an event in the range; our data model counts a visit on the
// local day it starts (the deliberate difference of the package doc), and the query engine keeps that
// rule for the visits metric whatever else the query asks (README, "What the figures mean").
func visitsStarting(metrics, dims []string) bool {
	return slices.Contains(metrics, "visits") && !slices.ContainsFunc(dims, isEventDimension)
}

// splitSessions renames event:page to visit:entry_page in the dimensions and, when it is one, in the
// filters (query_optimizer.ex split_sessions_query).
func splitSessions(dims []string, filters []Filter) ([]string, []Filter) {
	if !slices.Contains(dims, "event:page") {
		return dims, filters
	}
	renamed := slices.Clone(dims)
	renamed[slices.Index(dims, "event:page")] = "visit:entry_page"
	var rename func(Filter) Filter
	rename = func(f Filter) Filter {
		if f.Dimension == "event:page" {
			f.Dimension = "visit:entry_page"
		}
		kids := make([]Filter, len(f.Children))
		for i, c := range f.Children {
			kids[i] = rename(c)
		}
		f.Children = kids
		return f
	}
	out := make([]Filter, len(filters))
	for i, f := range filters {
		out[i] = rename(f)
	}
	return renamed, out
}

// totalVisitors is the visitors of the query without dimensions, from the same table.
func (o *oracle) totalVisitors(filters []Filter, from table) int {
	var groups map[string]*group
	if from == fromVisits {
		groups, _ = o.visitGroups(nil, filters)
	} else {
		groups, _ = o.eventGroups(nil, filters)
	}
	if g, ok := groups[""]; ok {
		if from == fromVisits {
			return len(g.session.visitors)
		}
		return len(g.event.visitors)
	}
	return 0
}

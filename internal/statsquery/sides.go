package statsquery

import (
	"strconv"
	"strings"
)

// counts are one group's figures from one side; a side leaves the figures it does not count at zero.
type counts struct {
	visitors, visits, events, pageviews float64 // events side; visits and visitors also on the visits side
	visitPageviews, bounces, duration   float64 // visits side: page views in the visits, one-event visits, seconds
	bounceBase                          float64 // visits side: the visits bounce_rate divides by (bounceBase)
}

// eventsSQL counts visitors, visits, events and page views of the events in the range that pass the
// filters, grouped by dims. The hourly projection answers when it can (hourlyKey): it reads one row per
// local hour, value and visitor instead of one per event. Otherwise raw events are read by site and time
// (events has no index but its primary key, migration 00003, so this scans them: the query bench's
// slowest figure), joined to the visit holding each one (by site, visitor and start_at <=
// occurred_at <= end_at, the visits primary key) when the query needs visit attributes or counts visits.
func eventsSQL(q *Query, metrics, dims []string) (string, []any) {
	b := &builder{q: q}
	site := b.arg(q.SiteID)
	if key := hourlyKey(q, metrics, dims); key != "" {
		where := "h.site_id = " + site + " AND h.hour >= " + b.arg(q.Range.First) + "::date::timestamp" +
			" AND h.hour < (" + b.arg(q.Range.Last) + "::date + 1)::timestamp AND h.dimension = " + b.arg(key) +
			" AND " + b.filter(q.Filters, fromHourly, nil)
		return "SELECT " + b.dims(dims, fromHourly) + "count(DISTINCT h.visitor_id), 0, coalesce(sum(h.events), 0)," +
			" coalesce(sum(h.pageviews), 0) FROM hourly_visitors h WHERE " + where + groupBy(len(dims)), b.args
	}
	join := contains(metrics, Visits)
	for _, d := range append(filterDimensions(q.Filters), dims...) {
		if strings.HasPrefix(d, "visit:") {
			join = true
		}
	}
	from := "events e"
	visits := "0"
	if join {
		from += " JOIN visits v ON v.site_id = e.site_id AND v.visitor_id = " + visitorOfEvent +
			" AND e.occurred_at BETWEEN v.start_at AND v.end_at"
		visits = "count(DISTINCT (v.visitor_id, v.start_at))"
	}
	where := "e.site_id = " + site + " AND NOT e.is_bot AND e.occurred_at >= " + b.arg(q.Range.Start) +
		" AND e.occurred_at < " + b.arg(q.Range.End) + " AND " + b.filter(q.Filters, fromEvents, nil)
	return "SELECT " + b.dims(dims, fromEvents) + "count(DISTINCT " + visitorOfEvent + "), " + visits +
		", count(*), count(*) FILTER (WHERE e.event_type = 'page_view') FROM " + from + " WHERE " + where + groupBy(len(dims)), b.args
}

// pageAsEntry makes the visit side of an event:page breakdown group and filter visits by their entry
// page, as Plausible's QueryOptimizer.split_sessions_query does.
var pageAsEntry = map[string]string{"event:page": "visit:entry_page"}

// visitsSQL counts the visits starting in the range that pass the filters, grouped by dims, from the
// visits table through its (site_id, day) index. A visit passes an event filter when one of its events
// in the range does (with the visit's attributes for any visit filter in the same tree), as Plausible's
// sessions query joins the events of the range (sql/query_builder.ex join_events_if_needed); they are
// read by site and time within the visit's span (no index on events serves that: see eventsSQL).
func visitsSQL(q *Query, dims []string) (string, []any) {
	b := &builder{q: q}
	rename := map[string]string{}
	if contains(dims, "event:page") {
		rename = pageAsEntry
	}
	renamed := make([]string, len(dims))
	for i, d := range dims {
		renamed[i] = d
		if to, ok := rename[d]; ok {
			renamed[i] = to
		}
	}
	sel := b.dims(renamed, fromVisits)
	where := "v.site_id = " + b.arg(q.SiteID) + " AND v.day BETWEEN " + b.arg(q.Range.First) + "::date AND " +
		b.arg(q.Range.Last) + "::date"
	if !q.Range.Days {
		where += " AND v.start_at >= " + b.arg(q.Range.Start) + " AND v.start_at < " + b.arg(q.Range.End)
	}
	eventFilter := false
	for _, d := range filterDimensions(q.Filters) {
		if _, renamed := rename[d]; isEventDimension(d) && !renamed {
			eventFilter = true
		}
	}
	if eventFilter {
		where += " AND EXISTS (SELECT FROM events e WHERE e.site_id = v.site_id AND NOT e.is_bot" +
			" AND e.occurred_at BETWEEN v.start_at AND v.end_at AND e.occurred_at >= " + b.arg(q.Range.Start) +
			" AND e.occurred_at < " + b.arg(q.Range.End) + " AND " + visitorOfEvent + " = v.visitor_id AND " +
			b.filter(q.Filters, fromEvents, rename) + ")"
	} else {
		where += " AND " + b.filter(q.Filters, fromVisits, rename)
	}
	base := b.bounceBase(q.Filters, rename)
	return "SELECT " + sel + "count(DISTINCT v.visitor_id), count(*), coalesce(sum(v.pageviews), 0)," +
		" count(*) FILTER (WHERE v.events = 1 AND " + base + ")," +
		" coalesce(sum(extract(epoch FROM v.end_at - v.start_at)), 0)::float8, count(*) FILTER (WHERE " + base + ")" +
		" FROM visits v WHERE " + where + groupBy(len(dims)), b.args
}

// bounceBase is the condition on the visits bounce_rate counts: with a top-level filter on event:page,
// the visits entering on a page that satisfies it, else all of them. Plausible's
// session_metric(:bounce_rate) in sql/expression.ex: "If page is passed to query, we only count bounce
// rate where users _entered_ at page", the first top-level event:page filter applied to entry_page. With
// event:page as a dimension those filters are already entry page filters (rename), as in Plausible's
// split sessions query.
func (b *builder) bounceBase(filters []Filter, rename map[string]string) string {
	if _, renamed := rename["event:page"]; renamed {
		return "true"
	}
	for _, f := range filters {
		if f.Dimension == "event:page" {
			f.Dimension = "visit:entry_page"
			return b.node(f, fromVisits, nil)
		}
	}
	return "true"
}

// dims is the select list of the dimension values, each followed by a comma.
func (b *builder) dims(dims []string, src source) string {
	var s strings.Builder
	for _, d := range dims {
		s.WriteString(b.dim(d, src) + ", ")
	}
	return s.String()
}

// groupBy groups by the first n columns.
func groupBy(n int) string {
	if n == 0 {
		return ""
	}
	cols := make([]string, n)
	for i := range cols {
		cols[i] = strconv.Itoa(i + 1)
	}
	return " GROUP BY " + strings.Join(cols, ", ")
}

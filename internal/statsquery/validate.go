package statsquery

import "strings"

// Metric kinds, after Plausible's TableDecider (lib/plausible/stats/table_decider.ex, v2 queries):
// visitors, visits and percentage can be counted from either events or visits.
var (
	eventOnlyMetrics   = []string{Pageviews, Events}
	sessionOnlyMetrics = []string{BounceRate, VisitDuration, ViewsPerVisit}
)

// validate refuses the combinations Plausible's QueryBuilder refuses, in its order and with its messages
// (lib/plausible/stats/query_builder.ex, TableDecider.validate_no_metrics_dimensions_conflict).
func validate(r Request) error {
	for _, o := range r.OrderBy {
		if !contains(r.Metrics, o.By) && !contains(r.Dimensions, o.By) {
			return invalid("Invalid order_by entry '%s'. Entry is not a queried metric or dimension.", inspectOrder(o))
		}
	}
	var deep string
	walk(r.Filters, 0, func(f Filter, depth int) {
		if depth > 0 && f.Dimension == "event:hostname" && deep == "" {
			deep = f.Dimension
		}
	})
	if deep != "" {
		return invalid("Invalid filters. Dimension `%s` can only be filtered at the top level.", deep)
	}
	if contains(r.Metrics, ViewsPerVisit) {
		if contains(filterDimensions(r.Filters), "event:page") {
			return invalid("Metric `views_per_visit` cannot be queried with a filter on `event:page`.")
		}
		if len(r.Dimensions) > 0 {
			return invalid("Metric `views_per_visit` cannot be queried with `dimensions`.")
		}
	}
	if err := validateConflict(r); err != nil {
		return err
	}
	if r.Include.TimeLabels && !hasTime(r.Dimensions) {
		return invalid("Invalid include.time_labels: requires a time dimension.")
	}
	return nil
}

// validateConflict refuses session metrics with event dimensions (event:page alone excepted: its
// session metrics are those of visits entering on the page) and event metrics with session dimensions.
func validateConflict(r Request) error {
	var eventMetrics, sessionMetrics, eventDims, sessionDims []string
	for _, m := range r.Metrics {
		switch {
		case contains(eventOnlyMetrics, m):
			eventMetrics = append(eventMetrics, m)
		case contains(sessionOnlyMetrics, m):
			sessionMetrics = append(sessionMetrics, m)
		}
	}
	for _, d := range r.Dimensions {
		switch {
		case isEventDimension(d):
			eventDims = append(eventDims, d)
		case isSessionOnly(d):
			sessionDims = append(sessionDims, d)
		}
	}
	switch {
	case len(eventDims) == 1 && eventDims[0] == "event:page":
		return nil
	case len(sessionMetrics) > 0 && len(eventDims) > 0:
		return invalid("Session metric(s) %s cannot be queried along with event dimension(s) %s",
			inspectAtoms(sessionMetrics), inspectStrings(eventDims))
	case len(eventMetrics) > 0 && len(sessionDims) > 0:
		return invalid("Event metric(s) %s cannot be queried along with session dimension(s) %s",
			inspectAtoms(eventMetrics), inspectStrings(sessionDims))
	}
	return nil
}

func hasTime(dims []string) bool {
	for _, d := range dims {
		if isTime(d) {
			return true
		}
	}
	return false
}

// inspectOrder writes an order_by entry as Plausible's message shows it: {:visitors, :desc}, or
// {"visit:source", :asc} for a dimension.
func inspectOrder(o Order) string {
	by := inspect(o.By)
	if contains(metrics, o.By) {
		by = ":" + o.By
	}
	dir := ":asc"
	if o.Desc {
		dir = ":desc"
	}
	return "{" + by + ", " + dir + "}"
}

func inspectAtoms(names []string) string {
	return "[:" + strings.Join(names, ", :") + "]"
}

func inspectStrings(names []string) string {
	list := make([]any, len(names))
	for i, n := range names {
		list[i] = n
	}
	return inspect(list)
}

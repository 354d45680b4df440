package statsquery

import (
	"fmt"
	"strconv"
	"strings"
)

// source is the relation a SQL expression reads: raw events (alias e, with the visit of each event as v
// when joined), the hourly projection (h) or visits (v).
type source int

const (
	fromEvents source = iota
	fromHourly
	fromVisits
)

// visitorOfEvent is an event's visitor: raw events stored before visitors were computed have none and
// get the one the projections gave them (migrations/00009).
const visitorOfEvent = `coalesce(e.visitor_id, visitor_of(e.site_id, e.user_id, e.event_id))`

// visitColumns maps each visit dimension to its column of visits (and of the raw event joined to its
// visit, v) with the label Plausible gives a missing value. Values never reach the SQL text: it is built
// from this whitelist only, and values are parameters.
var visitColumns = map[string]struct{ column, missing string }{
	"visit:entry_page":      {"entry_page", ""},
	"visit:exit_page":       {"exit_page", ""},
	"visit:source":          {"source", "Direct / None"},
	"visit:referrer":        {"referrer", "Direct / None"},
	"visit:utm_source":      {"utm_source", "(not set)"},
	"visit:utm_medium":      {"utm_medium", "(not set)"},
	"visit:utm_campaign":    {"utm_campaign", "(not set)"},
	"visit:utm_content":     {"utm_content", "(not set)"},
	"visit:utm_term":        {"utm_term", "(not set)"},
	"visit:device":          {"device", "(not set)"},
	"visit:browser":         {"browser", "(not set)"},
	"visit:browser_version": {"browser_version", "(not set)"},
	"visit:os":              {"os", "(not set)"},
	"visit:os_version":      {"os_version", "(not set)"},
}

// noneValue is the value of an event property or hostname an event does not have, as Plausible names it.
const noneValue = "(none)"

// eventName maps our event_type to Plausible's event:name: page_view is "pageview", every other type is
// itself (README, differences).
func eventName(col string) string {
	return "CASE WHEN " + col + " = 'page_view' THEN 'pageview' ELSE " + col + " END"
}

// builder accumulates a statement's parameters.
type builder struct {
	args []any
	zone string // the placeholder of the site's zone name, once added
	q    *Query
}

// arg adds a parameter and returns its placeholder.
func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *builder) zoneArg() string {
	if b.zone == "" {
		b.zone = b.arg(b.q.Range.Zone.String()) + "::text"
	}
	return b.zone
}

// local is the local wall-clock time of the rows of src, in the site's zone.
func (b *builder) local(src source) string {
	switch src {
	case fromHourly:
		return "h.hour"
	case fromVisits:
		return "(v.start_at AT TIME ZONE " + b.zoneArg() + ")"
	}
	return "(e.occurred_at AT TIME ZONE " + b.zoneArg() + ")"
}

// dim is the SQL text of dimension d's value (a time dimension's label) for the rows of src.
func (b *builder) dim(d string, src source) string {
	if isTime(d) {
		l := b.local(src)
		switch d {
		case "time:hour":
			return "to_char(date_trunc('hour', " + l + "), 'YYYY-MM-DD HH24:00:00')"
		case "time:day":
			return "to_char(" + l + ", 'YYYY-MM-DD')"
		case "time:week":
			first := b.arg(b.q.Range.First) + "::date::timestamp"
			return "to_char(greatest(date_trunc('week', " + l + "), " + first + "), 'YYYY-MM-DD')"
		}
		return "to_char(date_trunc('month', " + l + "), 'YYYY-MM-DD')"
	}
	if c, ok := visitColumns[d]; ok {
		if c.missing == "" {
			return "v." + c.column
		}
		return "coalesce(v." + c.column + ", " + b.arg(c.missing) + "::text)"
	}
	if src == fromHourly {
		if d == "event:name" {
			return eventName("h.value")
		}
		return "h.value"
	}
	switch d {
	case "event:page":
		return "e.path"
	case "event:name":
		return eventName("e.event_type")
	case "event:hostname":
		return "coalesce(e.hostname, " + b.arg(noneValue) + "::text)"
	}
	key := strings.TrimPrefix(d, propsPrefix)
	return "coalesce(e.props ->> " + b.arg(key) + "::text, " + b.arg(noneValue) + "::text)"
}

// filter is the SQL condition of filters (all must hold) for the rows of src; rename maps dimensions
// to the ones read instead (event:page to visit:entry_page for the visit metrics of a page breakdown).
func (b *builder) filter(filters []Filter, src source, rename map[string]string) string {
	if len(filters) == 0 {
		return "true"
	}
	return b.combine(filters, " AND ", src, rename)
}

func (b *builder) combine(filters []Filter, op string, src source, rename map[string]string) string {
	parts := make([]string, len(filters))
	for i, f := range filters {
		parts[i] = b.node(f, src, rename)
	}
	return "(" + strings.Join(parts, op) + ")"
}

func (b *builder) node(f Filter, src source, rename map[string]string) string {
	switch f.Op {
	case "and":
		return b.combine(f.Children, " AND ", src, rename)
	case "or":
		return b.combine(f.Children, " OR ", src, rename)
	case "not":
		return "NOT " + b.node(f.Children[0], src, rename)
	}
	dim := f.Dimension
	if to, ok := rename[dim]; ok {
		dim = to
	}
	if src == fromEvents && (dim == "event:hostname" || strings.HasPrefix(dim, propsPrefix)) {
		return b.leaf(f, b.presentValue(dim), true)
	}
	if c, ok := visitColumns[dim]; ok {
		return b.leaf(storedClauses(f, dim), "coalesce(v."+c.column+", '')", false)
	}
	return b.leaf(f, b.dim(dim, src), false)
}

// storedClauses is f with the clauses of is and is_not turned into stored values: Plausible keeps a
// missing visit attribute as "" and its filters test that stored value, is and is_not reading
// "(not set)" as "" for every visit field and "Direct / None" as "" for source, referrer and UTM fields
// (plausible/analytics lib/plausible/stats/sql/where_builder.ex, filter_field and db_field_val); contains
// and matches see "" too, never the label a breakdown shows.
func storedClauses(f Filter, dim string) Filter {
	if strings.TrimSuffix(f.Op, "_not") != "is" {
		return f
	}
	noReference := visitColumns[dim].missing == "Direct / None" || strings.HasPrefix(dim, "visit:utm_")
	clauses := make([]string, len(f.Clauses))
	for i, c := range f.Clauses {
		if c == "(not set)" || (c == "Direct / None" && noReference) {
			c = ""
		}
		clauses[i] = c
	}
	f.Clauses = clauses
	return f
}

// presentValue is an event's hostname or property, NULL when it has none: a filter holds for such an
// event only when it asks for "(none)" or negates.
func (b *builder) presentValue(d string) string {
	if d == "event:hostname" {
		return "e.hostname"
	}
	return "(e.props ->> " + b.arg(strings.TrimPrefix(d, propsPrefix)) + "::text)"
}

// leaf is the condition of one leaf filter on the value x: any clause matches (is, contains, matches),
// or none does (the _not operators). A nullable x is NULL for an event without the value: "is (none)"
// selects it, is_not without "(none)" keeps it, and every other operator needs the value present, as
// Plausible's filter_custom_prop requires has_key for contains, matches and their negations
// (plausible/analytics lib/plausible/stats/sql/where_builder.ex).
func (b *builder) leaf(f Filter, x string, nullable bool) string {
	p := b.arg(f.Clauses) + "::text[]"
	var cond string
	base := strings.TrimSuffix(f.Op, "_not")
	switch {
	case base == "is" && f.CaseSensitive:
		cond = fmt.Sprintf("%s = ANY(%s)", x, p)
	case base == "is":
		cond = fmt.Sprintf("lower(%s) = ANY(SELECT lower(c) FROM unnest(%s) AS c)", x, p)
	case base == "contains" && f.CaseSensitive:
		cond = fmt.Sprintf("EXISTS (SELECT FROM unnest(%s) AS c WHERE strpos(%s, c) > 0)", p, x)
	case base == "contains":
		cond = fmt.Sprintf("EXISTS (SELECT FROM unnest(%s) AS c WHERE strpos(lower(%s), lower(c)) > 0)", p, x)
	case f.CaseSensitive:
		cond = fmt.Sprintf("%s ~ ANY(%s)", x, p)
	default:
		cond = fmt.Sprintf("%s ~* ANY(%s)", x, p)
	}
	if nullable {
		if base == "is" && contains(f.Clauses, noneValue) {
			cond = x + " IS NULL OR " + cond
		}
		cond = "coalesce(" + cond + ", false)"
	}
	switch {
	case nullable && f.Op != "is_not" && strings.HasSuffix(f.Op, "_not"):
		return "(" + x + " IS NOT NULL AND NOT (" + cond + "))"
	case strings.HasSuffix(f.Op, "_not"):
		return "NOT (" + cond + ")"
	}
	return "(" + cond + ")"
}

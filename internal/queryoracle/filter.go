package queryoracle

import (
	"regexp"
	"slices"
	"strings"
)

// subject is what a filter or a dimension reads: an event (nil where only its visit is known) and a visit.
type subject struct {
	e *Event
	v *Visit
}

// noReference are the dimensions whose empty value Plausible labels "Direct / None".
var noReference = []string{"visit:source", "visit:referrer", "visit:utm_source", "visit:utm_medium",
	"visit:utm_campaign", "visit:utm_content", "visit:utm_term"}

// stored is the dimension's stored value for s and whether it is present (false only for a missing
// property or hostname). A missing hostname is filtered as a missing property (filter_custom_prop in
// sql/where_builder.ex: "is (none)" selects it, is_not without "(none)" keeps it, contains, matches and
// their negations need it present): Plausible always has a hostname, so this rule is our own.
func stored(dim string, s subject) (string, bool) {
	if key, ok := strings.CutPrefix(dim, "event:props:"); ok {
		v, present := s.e.Props[key]
		return v, present
	}
	switch dim {
	case "event:page":
		return s.e.Page, true
	case "event:name":
		return s.e.Name, true
	case "event:hostname":
		return s.e.Hostname, s.e.Hostname != ""
	}
	v := s.v
	values := map[string]string{
		"visit:entry_page": v.Entry, "visit:exit_page": v.Exit, "visit:source": v.Source,
		"visit:referrer": v.Referrer, "visit:utm_source": v.UTM[0], "visit:utm_medium": v.UTM[1],
		"visit:utm_campaign": v.UTM[2], "visit:utm_content": v.UTM[3], "visit:utm_term": v.UTM[4],
		"visit:device": v.Device, "visit:browser": v.Browser, "visit:browser_version": v.BrowserVer,
		"visit:os": v.OS, "visit:os_version": v.OSVersion,
	}
	value, ok := values[dim]
	if !ok {
		panic("queryoracle: unknown dimension " + dim)
	}
	return value, true
}

// optional reports whether some events lack dim: a property or the hostname, "(none)" when missing.
func optional(dim string) bool {
	return strings.HasPrefix(dim, "event:props:") || dim == "event:hostname"
}

// isEventDimension reports whether dim is read from the event rather than its visit.
func isEventDimension(dim string) bool {
	return strings.HasPrefix(dim, "event:")
}

// holds reports whether filter f holds for s.
func (o *oracle) holds(f Filter, s subject) bool {
	switch f.Op {
	case "and":
		for _, c := range f.Children {
			if !o.holds(c, s) {
				return false
			}
		}
		return true
	case "or":
		return slices.ContainsFunc(f.Children, func(c Filter) bool { return o.holds(c, s) })
	case "not":
		return !o.holds(f.Children[0], s)
	}
	value, present := stored(f.Dimension, s)
	fold := func(x string) string {
		if f.CaseInsensitive {
			return strings.ToLower(x)
		}
		return x
	}
	switch f.Op {
	case "is":
		return o.is(f, value, present, fold)
	case "is_not":
		return !o.is(f, value, present, fold)
	case "contains", "contains_not":
		if !present {
			return false
		}
		found := slices.ContainsFunc(f.Clauses, func(c string) bool { return strings.Contains(fold(value), fold(c)) })
		return found == (f.Op == "contains")
	case "matches", "matches_not":
		if !present {
			return false
		}
		found := slices.ContainsFunc(f.Clauses, func(c string) bool { return o.regexp(c, f.CaseInsensitive).MatchString(value) })
		return found == (f.Op == "matches")
	}
	panic("queryoracle: unknown filter operator " + f.Op)
}

// is reports whether one of f's clauses names value, "(none)" naming a missing property and "(not set)"
// or "Direct / None" the empty value.
func (o *oracle) is(f Filter, value string, present bool, fold func(string) string) bool {
	for _, c := range f.Clauses {
		if optional(f.Dimension) {
			if (c == "(none)" && !present) || (present && fold(value) == fold(c)) {
				return true
			}
			continue
		}
		if c == "(not set)" || (c == "Direct / None" && slices.Contains(noReference, f.Dimension)) {
			c = ""
		}
		if fold(value) == fold(c) {
			return true
		}
	}
	return false
}

func (o *oracle) regexp(pattern string, fold bool) *regexp.Regexp {
	if fold {
		pattern = "(?i)" + pattern
	}
	if re, ok := o.regexps[pattern]; ok {
		return re
	}
	re := regexp.MustCompile(pattern)
	o.regexps[pattern] = re
	return re
}

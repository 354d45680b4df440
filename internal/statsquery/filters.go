package statsquery

import (
	"fmt"
	"regexp"
	"strings"
)

// Filter is a node of a filter tree. A leaf has Op is, is_not, contains, contains_not, matches or
// matches_not, a Dimension and its Clauses (the leaf holds when any clause does); "and" and "or" combine
// Children, "not" negates its one child.
type Filter struct {
	Op            string
	Dimension     string
	Clauses       []string
	CaseSensitive bool
	Children      []Filter
}

// leafOps are the operators of a leaf filter.
var leafOps = []string{"is", "is_not", "contains", "contains_not", "matches", "matches_not"}

// plausibleOnlyOps are operators of Plausible's API not answered here.
var plausibleOnlyOps = []string{"has_done", "has_not_done", "matches_wildcard", "matches_wildcard_not"}

func parseFilters(v any) ([]Filter, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, typeMismatch("#/filters", "Array", v)
	}
	filters := make([]Filter, len(list))
	for i, item := range list {
		f, err := parseFilter(item)
		if err != nil {
			return nil, invalid("#/filters/%d: Invalid filter %s%s", i, inspect(item), err.Error())
		}
		filters[i] = f
	}
	return filters, nil
}

// parseFilter reads one filter tree; its error is a detail appended to "Invalid filter [...]" ("" when
// Plausible's schema would say no more).
func parseFilter(v any) (Filter, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return Filter{}, fmt.Errorf("")
	}
	op, _ := list[0].(string)
	switch {
	case op == "and" || op == "or":
		children, ok := list[len(list)-1].([]any)
		if len(list) != 2 || !ok || len(children) == 0 {
			return Filter{}, fmt.Errorf("")
		}
		f := Filter{Op: op, Children: make([]Filter, len(children))}
		for i, c := range children {
			var err error
			if f.Children[i], err = parseFilter(c); err != nil {
				return Filter{}, err
			}
		}
		return f, nil
	case op == "not":
		if len(list) != 2 {
			return Filter{}, fmt.Errorf("")
		}
		child, err := parseFilter(list[1])
		return Filter{Op: op, Children: []Filter{child}}, err
	case contains(leafOps, op):
		return parseLeaf(op, list)
	case contains(plausibleOnlyOps, op):
		return Filter{}, fmt.Errorf(": operator %q is not supported by this pipeline", op)
	}
	return Filter{}, fmt.Errorf("")
}

func parseLeaf(op string, list []any) (Filter, error) {
	if len(list) != 3 && len(list) != 4 {
		return Filter{}, fmt.Errorf("")
	}
	dim, _ := list[1].(string)
	switch {
	case contains(plausibleOnlyDimensions, dim):
		return Filter{}, fmt.Errorf(": dimension %q is not supported by this pipeline", dim)
	case !knownDimension(dim) || isTime(dim):
		return Filter{}, fmt.Errorf("")
	}
	raw, ok := list[2].([]any)
	if !ok {
		return Filter{}, fmt.Errorf("")
	}
	f := Filter{Op: op, Dimension: dim, Clauses: make([]string, len(raw)), CaseSensitive: true}
	for i, c := range raw {
		if f.Clauses[i], ok = c.(string); !ok {
			return Filter{}, fmt.Errorf("")
		}
	}
	if len(list) == 4 {
		mods, ok := list[3].(map[string]any)
		if !ok {
			return Filter{}, fmt.Errorf("")
		}
		for key, val := range mods {
			b, ok := val.(bool)
			if key != "case_sensitive" || !ok {
				return Filter{}, fmt.Errorf("")
			}
			f.CaseSensitive = b
		}
	}
	if strings.HasPrefix(op, "matches") {
		for _, c := range f.Clauses {
			if _, err := regexp.Compile(c); err != nil {
				return Filter{}, fmt.Errorf(": %q is not a valid re2 regular expression", c)
			}
		}
	}
	return f, nil
}

// walk calls fn on every leaf of filters with its depth (0: a top-level leaf).
func walk(filters []Filter, depth int, fn func(f Filter, depth int)) {
	for _, f := range filters {
		if f.Dimension != "" {
			fn(f, depth)
			continue
		}
		walk(f.Children, depth+1, fn)
	}
}

// filterDimensions lists the dimensions filters use, each once, in order of appearance.
func filterDimensions(filters []Filter) []string {
	var dims []string
	walk(filters, 0, func(f Filter, _ int) {
		if !contains(dims, f.Dimension) {
			dims = append(dims, f.Dimension)
		}
	})
	return dims
}

package queryoracle

import (
	"encoding/json"
	"fmt"
)

// Query is a Plausible Stats API v2 request body, as Plausible documents it.
type Query struct {
	SiteID     string      `json:"site_id"`
	Metrics    []string    `json:"metrics"`
	DateRange  DateRange   `json:"date_range"`
	Date       string      `json:"date,omitempty"`
	Dimensions []string    `json:"dimensions,omitempty"`
	Filters    []Filter    `json:"filters,omitempty"`
	OrderBy    []Order     `json:"order_by,omitempty"`
	Include    *Include    `json:"include,omitempty"`
	Pagination *Pagination `json:"pagination,omitempty"`
}

// DateRange is a named range ("7d") or two dates or date-times.
type DateRange struct {
	Name     string
	From, To string
}

// MarshalJSON writes the name or the pair.
func (d DateRange) MarshalJSON() ([]byte, error) {
	if d.Name != "" {
		return json.Marshal(d.Name)
	}
	return json.Marshal([]string{d.From, d.To})
}

// Order is one order_by entry: a queried metric or dimension and "asc" or "desc".
type Order struct {
	Name, Direction string
}

// MarshalJSON writes [name, direction].
func (o Order) MarshalJSON() ([]byte, error) {
	return json.Marshal([]string{o.Name, o.Direction})
}

// Include is the request's include object.
type Include struct {
	TimeLabels bool `json:"time_labels,omitempty"`
	TotalRows  bool `json:"total_rows,omitempty"`
}

// Pagination is the request's pagination object.
type Pagination struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// Filter is a leaf [op, dimension, clauses, modifiers?], a group ["and"|"or", [filters]] or ["not", filter].
type Filter struct {
	Op              string
	Dimension       string
	Clauses         []string
	CaseInsensitive bool     // {"case_sensitive": false}
	Children        []Filter // of and, or, not
}

// MarshalJSON writes the filter in Plausible's array form.
func (f Filter) MarshalJSON() ([]byte, error) {
	switch f.Op {
	case "and", "or":
		return json.Marshal([]any{f.Op, f.Children})
	case "not":
		if len(f.Children) != 1 {
			return nil, fmt.Errorf("filter not needs one child, has %d", len(f.Children))
		}
		return json.Marshal([]any{f.Op, f.Children[0]})
	}
	leaf := []any{f.Op, f.Dimension, f.Clauses}
	if f.CaseInsensitive {
		leaf = append(leaf, map[string]bool{"case_sensitive": false})
	}
	return json.Marshal(leaf)
}

// leaves calls visit for every leaf of f.
func (f Filter) leaves(visit func(Filter)) {
	if len(f.Children) == 0 && f.Op != "and" && f.Op != "or" && f.Op != "not" {
		visit(f)
		return
	}
	for _, c := range f.Children {
		c.leaves(visit)
	}
}

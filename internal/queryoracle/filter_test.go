package queryoracle_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/queryoracle"
)

// Nov 1 holds e2, e3 (visit of a, no source), e4 (Google, plan=pro), e5 (plan=Free), e6, e7 (c, no source).
func TestFiltersByHand(t *testing.T) {
	t.Parallel()
	data := handData(t)
	folded := leaf("contains", "event:props:plan", "FREE")
	folded.CaseInsensitive = true
	cases := []struct {
		name   string
		filter queryoracle.Filter
		events float64
	}{
		{name: "is_none_is_a_missing_property", filter: leaf("is", "event:props:plan", "(none)"), events: 4},
		{name: "is_not_keeps_missing_properties", filter: leaf("is_not", "event:props:plan", "pro"), events: 5},
		{name: "contains_folded", filter: folded, events: 1},
		{name: "contains_is_case_sensitive_by_default", filter: leaf("contains", "event:props:plan", "FREE"), events: 0},
		{name: "contains_not_needs_the_property", filter: leaf("contains_not", "event:props:plan", "x"), events: 2},
		{name: "matches_searches_unanchored", filter: leaf("matches", "event:page", "ric"), events: 2},
		{name: "matches_not", filter: leaf("matches_not", "event:page", "^/$"), events: 3},
		{name: "direct_none_is_the_empty_source", filter: leaf("is", "visit:source", "Direct / None"), events: 5},
		{name: "contains_reads_the_stored_value", filter: leaf("contains", "visit:source", "None"), events: 0},
		{name: "not_set_is_the_empty_value", filter: leaf("is", "visit:device", "(not set)"), events: 6},
		{name: "entry_page_of_the_events_visit", filter: leaf("is", "visit:entry_page", "/"), events: 5},
		{name: "none_is_a_missing_hostname", filter: leaf("is", "event:hostname", "(none)"), events: 6},
		{name: "contains_not_needs_a_hostname", filter: leaf("contains_not", "event:hostname", "x"), events: 0},
		{name: "matches_empty_needs_a_hostname", filter: leaf("matches", "event:hostname", "^$"), events: 0},
		{name: "not", filter: queryoracle.Filter{Op: "not", Children: []queryoracle.Filter{leaf("is", "event:name", "pageview")}}, events: 2},
		{name: "or", filter: queryoracle.Filter{Op: "or", Children: []queryoracle.Filter{
			leaf("is", "event:page", "/docs"), leaf("is", "visit:source", "Google")}}, events: 2},
		{name: "and", filter: queryoracle.Filter{Op: "and", Children: []queryoracle.Filter{
			leaf("is", "event:page", "/", "/docs"), leaf("is_not", "event:name", "click")}}, events: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := data.Answer(queryoracle.Query{SiteID: "ny", Metrics: []string{"events"}, DateRange: day("2025-11-01"),
				Filters: []queryoracle.Filter{tc.filter}})
			require.NoError(t, err)
			require.Equal(t, []queryoracle.Row{{Dimensions: []string{}, Metrics: []any{tc.events}}}, got.Rows)
		})
	}
}

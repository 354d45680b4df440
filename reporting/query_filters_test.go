package reporting_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQueryFilters(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, breakdownSite(t))
	const site = `"site_id":"dims.example","date_range":["2025-01-10","2025-01-10"],`
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "is_page",
			body: `{` + site + `"metrics":["visitors","pageviews","events"],"filters":[["is","event:page",["/pricing"]]]}`,
			want: `[{"dimensions":[],"metrics":[2,2,3]}]`,
		},
		{
			name: "contains_ignoring_case",
			body: `{` + site + `"metrics":["visitors","pageviews"],"filters":[["contains","event:page",["PRIC"],{"case_sensitive":false}]]}`,
			want: `[{"dimensions":[],"metrics":[2,2]}]`,
		},
		{
			name: "contains_is_case_sensitive_by_default",
			body: `{` + site + `"metrics":["visitors"],"filters":[["contains","event:page",["PRIC"]]]}`,
			want: `[{"dimensions":[],"metrics":[0]}]`,
		},
		{
			name: "matches",
			body: `{` + site + `"metrics":["visitors"],"filters":[["matches","event:page",["^/$"]]]}`,
			want: `[{"dimensions":[],"metrics":[2]}]`,
		},
		{
			name: "is_not_page",
			body: `{` + site + `"metrics":["visitors","pageviews"],"filters":[["is_not","event:page",["/"]]]}`,
			want: `[{"dimensions":[],"metrics":[2,2]}]`,
		},
		{
			name: "page_breakdown_filtered_by_visit_source",
			body: `{` + site + `"metrics":["visitors","pageviews"],"dimensions":["event:page"],"filters":[["is","visit:source",["Google"]]]}`,
			want: `[{"dimensions":["/"],"metrics":[1,1]},{"dimensions":["/pricing"],"metrics":[1,1]}]`,
		},
		{
			name: "visits_with_an_event_passing_an_event_filter",
			body: `{` + site + `"metrics":["visits","bounce_rate","visit_duration"],"filters":[["is","event:name",["signup"]]]}`,
			want: `[{"dimensions":[],"metrics":[1,0,180]}]`,
		},
		{
			name: "bounce_rate_of_visits_entering_on_the_filtered_page",
			body: `{` + site + `"metrics":["visits","bounce_rate"],"filters":[["contains","event:page",["pric"]]]}`,
			want: `[{"dimensions":[],"metrics":[2,100]}]`,
		},
		{
			name: "source_breakdown_of_visits_through_a_page",
			body: `{` + site + `"metrics":["visits"],"dimensions":["visit:source"],"filters":[["is","event:page",["/pricing"]]]}`,
			want: `[{"dimensions":["Google"],"metrics":[1]},{"dimensions":["Twitter"],"metrics":[1]}]`,
		},
		{
			name: "or_of_visit_filters",
			body: `{` + site + `"metrics":["visitors"],"filters":[["or",[["is","visit:browser",["Firefox"]],["is","visit:device",["Mobile"]]]]]}`,
			want: `[{"dimensions":[],"metrics":[2]}]`,
		},
		{
			name: "not",
			body: `{` + site + `"metrics":["visits"],"filters":[["not",["is","visit:browser",["Chrome"]]]]}`,
			want: `[{"dimensions":[],"metrics":[1]}]`,
		},
		{
			name: "property_is",
			body: `{` + site + `"metrics":["visitors","events"],"filters":[["is","event:props:plan",["pro"]]]}`,
			want: `[{"dimensions":[],"metrics":[1,2]}]`,
		},
		{
			name: "property_is_none",
			body: `{` + site + `"metrics":["visitors","events"],"filters":[["is","event:props:plan",["(none)"]]]}`,
			want: `[{"dimensions":[],"metrics":[3,4]}]`,
		},
		{
			name: "property_is_not_counts_events_without_it",
			body: `{` + site + `"metrics":["events"],"filters":[["is_not","event:props:plan",["pro"]]]}`,
			want: `[{"dimensions":[],"metrics":[4]}]`,
		},
		{
			name: "property_contains_does_not_match_none",
			body: `{` + site + `"metrics":["events"],"filters":[["contains","event:props:plan",["none"]]]}`,
			want: `[{"dimensions":[],"metrics":[0]}]`,
		},
		{
			name: "two_event_filters_hold_for_the_same_event",
			body: `{` + site + `"metrics":["events"],"filters":[["is","event:page",["/pricing"]],["is","event:name",["signup"]]]}`,
			want: `[{"dimensions":[],"metrics":[1]}]`,
		},
		{
			name: "event_name_filter_uses_plausible_names",
			body: `{` + site + `"metrics":["events"],"filters":[["is","event:name",["pageview"]]]}`,
			want: `[{"dimensions":[],"metrics":[5]}]`,
		},
		{
			name: "hostname",
			body: `{` + site + `"metrics":["visitors"],"filters":[["is","event:hostname",["dims.example"]]]}`,
			want: `[{"dimensions":[],"metrics":[3]}]`,
		},
		{
			name: "direct_none_source",
			body: `{` + site + `"metrics":["visitors"],"filters":[["is","visit:source",["Direct / None"]]]}`,
			want: `[{"dimensions":[],"metrics":[1]}]`,
		},
		{
			name: "page_breakdown_visit_metrics_filter_on_entry_page",
			body: `{` + site + `"metrics":["visitors","bounce_rate"],"dimensions":["event:page"],"filters":[["is","event:page",["/pricing"]]]}`,
			want: `[{"dimensions":["/pricing"],"metrics":[2,100]}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.JSONEq(t, tt.want, postQuery(t, url, tt.body).results(t))
		})
	}
}

// TestQueryRegexpPostgresRefuses: \pL is valid re2 but not a Postgres regular expression; the query is
// refused, not failed.
func TestQueryRegexpPostgresRefuses(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, breakdownSite(t))
	a := postQuery(t, url, `{"site_id":"dims.example","date_range":["2025-01-10","2025-01-10"],"metrics":["visitors"],
		"filters":[["matches","event:page",["\\pL"]]]}`)
	require.Equal(t, 400, a.status, a.raw)
	require.Equal(t, map[string]any{"error": `Invalid filters. invalid regular expression: invalid escape \ sequence`}, a.body)
}

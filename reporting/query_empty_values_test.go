package reporting_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

// hostlessSite, on 2025-01-10 UTC: visitor 1 views "/" on a.example, visitor 2 views "/" with no hostname.
func hostlessSite(t *testing.T) querySite {
	return querySite{id: "hostless.example", events: concat(
		visitorEvents(t, "hostless.example", 1, pv("/", "2025-01-10T10:00:00Z").with(func(e *event.Event) { e.Hostname = "a.example" })),
		visitorEvents(t, "hostless.example", 2, pv("/", "2025-01-10T11:00:00Z")),
	)}
}

// TestQueryEmptyAndMissingValues: filters test a visit's stored value, the empty string when it has none,
// as Plausible's sql/where_builder.ex does (contains and matches read the column; is and is_not map
// "(not set)", and "Direct / None" for source, referrer and UTM fields, to ""); contains, matches and their
// negations on a property or hostname an event lacks never hold (filter_custom_prop's has_key).
func TestQueryEmptyAndMissingValues(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, breakdownSite(t), hostlessSite(t))
	const dims = `"site_id":"dims.example","date_range":["2025-01-10","2025-01-10"],`
	const hostless = `"site_id":"hostless.example","date_range":["2025-01-10","2025-01-10"],`
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "contains_not_keeps_visits_without_the_value",
			body: `{` + dims + `"metrics":["visitors"],"filters":[["contains_not","visit:os",["e"]]]}`,
			want: `[{"dimensions":[],"metrics":[3]}]`,
		},
		{
			name: "matches_empty_selects_the_empty_source",
			body: `{` + dims + `"metrics":["visitors"],"filters":[["matches","visit:source",["^$"]]]}`,
			want: `[{"dimensions":[],"metrics":[1]}]`,
		},
		{
			name: "matches_not_empty_drops_the_empty_source",
			body: `{` + dims + `"metrics":["visitors"],"filters":[["matches_not","visit:source",["^$"]]]}`,
			want: `[{"dimensions":[],"metrics":[2]}]`,
		},
		{
			name: "visit_filter_of_events_reads_the_stored_value",
			body: `{` + dims + `"metrics":["pageviews"],"filters":[["matches","visit:source",["^$"]]]}`,
			want: `[{"dimensions":[],"metrics":[2]}]`,
		},
		{
			name: "contains_does_not_match_the_direct_none_label",
			body: `{` + dims + `"metrics":["visitors"],"filters":[["contains","visit:referrer",["Direct"]]]}`,
			want: `[{"dimensions":[],"metrics":[0]}]`,
		},
		{
			name: "not_set_is_the_empty_value_of_any_visit_field",
			body: `{` + dims + `"metrics":["visitors"],"filters":[["is","visit:source",["(not set)"]]]}`,
			want: `[{"dimensions":[],"metrics":[1]}]`,
		},
		{
			name: "direct_none_is_the_empty_utm_value",
			body: `{` + dims + `"metrics":["visitors"],"filters":[["is","visit:utm_source",["Direct / None"]]]}`,
			want: `[{"dimensions":[],"metrics":[3]}]`,
		},
		{
			name: "property_contains_not_needs_the_property",
			body: `{` + dims + `"metrics":["events"],"filters":[["contains_not","event:props:plan",["free"]]]}`,
			want: `[{"dimensions":[],"metrics":[2]}]`,
		},
		{
			name: "property_matches_not_needs_the_property",
			body: `{` + dims + `"metrics":["events"],"filters":[["matches_not","event:props:plan",["^f"]]]}`,
			want: `[{"dimensions":[],"metrics":[2]}]`,
		},
		{
			name: "hostname_contains_not_needs_a_hostname",
			body: `{` + hostless + `"metrics":["visitors"],"filters":[["contains_not","event:hostname",["zzz"]]]}`,
			want: `[{"dimensions":[],"metrics":[1]}]`,
		},
		{
			name: "hostname_matches_empty_needs_a_hostname",
			body: `{` + hostless + `"metrics":["visitors"],"filters":[["matches","event:hostname",["^$"]]]}`,
			want: `[{"dimensions":[],"metrics":[0]}]`,
		},
		{
			name: "hostname_is_none_selects_the_event_without_one",
			body: `{` + hostless + `"metrics":["visitors"],"filters":[["is","event:hostname",["(none)"]]]}`,
			want: `[{"dimensions":[],"metrics":[1]}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.JSONEq(t, tt.want, postQuery(t, url, tt.body).results(t))
		})
	}
}

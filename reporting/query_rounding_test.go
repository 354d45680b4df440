package reporting_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

// tiesSite: on 2025-01-10 UTC two visits, one of a single page view and one of 5 s (mean 2.5 s); on
// 2025-01-11 sixteen visitors of one event each, two of them page views and one of them on Firefox, so
// views per visit is 0.125 and Firefox's share of visitors 6.25 %. Nothing on 2025-01-12.
func tiesSite(t *testing.T) querySite {
	s := querySite{id: "ties.example", events: concat(
		visitorEvents(t, "ties.example", 1, pv("/", "2025-01-10T10:00:00Z")),
		visitorEvents(t, "ties.example", 2, pv("/", "2025-01-10T11:00:00Z"), pv("/b", "2025-01-10T11:00:05Z")),
	)}
	for v := int64(3); v < 19; v++ {
		spec := custom("click", "/", fmt.Sprintf("2025-01-11T%02d:00:00Z", v))
		if v < 5 {
			spec = pv("/", spec.at)
		}
		browser := "Chrome"
		if v == 3 {
			browser = "Firefox"
		}
		s.events = append(s.events, visitorEvents(t, "ties.example", v, spec.with(func(e *event.Event) { e.Browser = browser }))...)
	}
	return s
}

// TestQueryRoundsAsClickHouse: Plausible rounds its ratios in ClickHouse (sql/expression.ex,
// sql/special_metrics.ex), whose round() of a Float64 takes a tie to the even neighbour ("banker's
// rounding for float number types", ClickHouse docs, Rounding functions); a percentage of no visitors
// is null (special_metrics.ex: if(total_visitors > 0, round(...), null)).
func TestQueryRoundsAsClickHouse(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, tiesSite(t))
	const site = `"site_id":"ties.example",`
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "visit_duration_tie_goes_to_even",
			body: `{` + site + `"date_range":["2025-01-10","2025-01-10"],"metrics":["visits","visit_duration","bounce_rate"]}`,
			want: `[{"dimensions":[],"metrics":[2,2,50]}]`,
		},
		{
			name: "views_per_visit_tie_goes_to_even",
			body: `{` + site + `"date_range":["2025-01-11","2025-01-11"],"metrics":["visits","views_per_visit"]}`,
			want: `[{"dimensions":[],"metrics":[16,0.12]}]`,
		},
		{
			name: "percentage_tie_goes_to_even",
			body: `{` + site + `"date_range":["2025-01-11","2025-01-11"],"metrics":["visitors","percentage"],"dimensions":["visit:browser"]}`,
			want: `[{"dimensions":["Chrome"],"metrics":[15,93.8]},{"dimensions":["Firefox"],"metrics":[1,6.2]}]`,
		},
		{
			name: "percentage_of_no_visitors_is_null",
			body: `{` + site + `"date_range":["2025-01-12","2025-01-12"],"metrics":["visitors","percentage"]}`,
			want: `[{"dimensions":[],"metrics":[0,null]}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.JSONEq(t, tt.want, postQuery(t, url, tt.body).results(t))
		})
	}
}

package reporting_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

// aggregateSite: visitor 1 visits twice (three events over 6 minutes on Jan 10, one page view on Jan
// 11), visitor 2 bounces on Jan 10, and a bot is never counted.
func aggregateSite(t *testing.T) querySite {
	bot := func(e *event.Event) { e.Bot = true }
	return querySite{id: "agg.example", events: concat(
		visitorEvents(t, "agg.example", 1,
			pv("/", "2025-01-10T10:00:00Z"), pv("/a", "2025-01-10T10:05:00Z"), custom("signup", "/a", "2025-01-10T10:06:00Z"),
			pv("/", "2025-01-11T09:00:00Z")),
		visitorEvents(t, "agg.example", 2, pv("/", "2025-01-10T12:00:00Z")),
		visitorEvents(t, "agg.example", 3, pv("/", "2025-01-10T12:00:00Z").with(bot)),
	)}
}

func TestQueryAggregate(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, aggregateSite(t))
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "all_metrics_over_two_days",
			body: `{"site_id":"agg.example","date_range":["2025-01-10","2025-01-11"],
				"metrics":["visitors","visits","pageviews","events","bounce_rate","visit_duration","views_per_visit"]}`,
			want: `[{"dimensions":[],"metrics":[2,3,4,5,67,120,1.33]}]`,
		},
		{
			name: "visitors_are_distinct_over_the_range_not_summed_over_days",
			body: `{"site_id":"agg.example","date_range":["2025-01-10","2025-01-11"],"metrics":["visitors","pageviews"]}`,
			want: `[{"dimensions":[],"metrics":[2,4]}]`,
		},
		{
			name: "visit_metrics_alone_come_from_visits",
			body: `{"site_id":"agg.example","date_range":["2025-01-11","2025-01-11"],"metrics":["visitors","visits","bounce_rate","visit_duration"]}`,
			want: `[{"dimensions":[],"metrics":[1,1,100,0]}]`,
		},
		{
			name: "day_relative_to_date",
			body: `{"site_id":"agg.example","date_range":"day","date":"2025-01-10","metrics":["visitors","events"]}`,
			want: `[{"dimensions":[],"metrics":[2,4]}]`,
		},
		{
			name: "7d_excludes_the_reference_day",
			body: `{"site_id":"agg.example","date_range":"7d","date":"2025-01-11","metrics":["pageviews"]}`,
			want: `[{"dimensions":[],"metrics":[3]}]`,
		},
		{
			name: "datetime_range_is_exact_to_the_second",
			body: `{"site_id":"agg.example","date_range":["2025-01-10T10:00:00Z","2025-01-10T10:05:00Z"],"metrics":["visitors","events"]}`,
			want: `[{"dimensions":[],"metrics":[1,2]}]`,
		},
		{
			name: "no_data_gives_zeros",
			body: `{"site_id":"agg.example","date_range":["2024-01-01","2024-01-31"],"metrics":["visitors","visits","bounce_rate","views_per_visit"]}`,
			want: `[{"dimensions":[],"metrics":[0,0,0,0]}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.JSONEq(t, tt.want, postQuery(t, url, tt.body).results(t))
		})
	}
}

package reporting_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

// dummySite holds a few visits in September 2024 (UTC) for the requests of Plausible's documentation
// (plausible/docs, src/js/apiv2-examples): visitor 1 from a social campaign on a Mac, a customer, who
// signs up; visitor 2 on GNU/Linux, not a customer; visitor 3 from Google on Windows, two page views
// 20 minutes apart on Sep 10; visitor 4 once in August.
func dummySite(t *testing.T) querySite {
	set := func(medium, source, os, customer string) func(*event.Event) {
		return func(e *event.Event) {
			e.UTMMedium, e.UTMSource, e.OS = medium, source, os
			if customer != "" {
				e.Props = map[string]string{"is_customer": customer}
			}
		}
	}
	return querySite{id: "dummy.site", events: concat(
		visitorEvents(t, "dummy.site", 1, pv("/blog/post", "2024-09-04T10:00:00Z").with(set("social", "twitter", "Mac", "true")),
			custom("signup", "/blog/post", "2024-09-04T10:01:00Z").with(set("social", "twitter", "Mac", "true"))),
		visitorEvents(t, "dummy.site", 2, pv("/docs", "2024-09-05T08:00:00Z").with(set("", "", "GNU/Linux", "false"))),
		visitorEvents(t, "dummy.site", 3, pv("/pricing", "2024-09-10T01:30:00Z").with(set("", "google", "Windows", "")),
			pv("/Blog", "2024-09-10T01:50:00Z").with(set("", "google", "Windows", ""))),
		visitorEvents(t, "dummy.site", 4, pv("/", "2024-08-05T12:00:00Z")),
	)}
}

// TestQueryDocumentedExamples sends the requests of Plausible's documentation, with "date" added so
// that relative ranges end where the documented answers do, and compares whole answers: the results
// computed by hand for dummySite, meta and the echoed query as documented.
func TestQueryDocumentedExamples(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, dummySite(t))
	const week = `"date_range":["2024-09-04T00:00:00+00:00","2024-09-10T23:59:59+00:00"]`
	tests := []struct {
		name    string
		request string
		want    string
	}{
		{
			name:    "aggregate",
			request: `{"site_id":"dummy.site","metrics":["visitors","events"],"date_range":"7d"}`,
			want: `{"results":[{"metrics":[3,5],"dimensions":[]}],"meta":{},"query":{"site_id":"dummy.site",
				"metrics":["visitors","events"],` + week + `,"filters":[],"dimensions":[],"order_by":[["visitors","desc"]],"include":{}}}`,
		},
		{
			name: "timeseries",
			request: `{"site_id":"dummy.site","metrics":["visitors","events"],"date_range":"7d",
				"filters":[["is","visit:os",["GNU/Linux","Mac"]]],"dimensions":["time:day"]}`,
			want: `{"results":[{"metrics":[1,2],"dimensions":["2024-09-04"]},{"metrics":[1,1],"dimensions":["2024-09-05"]}],
				"meta":{},"query":{"site_id":"dummy.site","metrics":["visitors","events"],` + week + `,
				"filters":[["is","visit:os",["GNU/Linux","Mac"]]],"dimensions":["time:day"],
				"order_by":[["time:day","asc"],["visitors","desc"]],"include":{}}}`,
		},
		{
			name: "utm",
			request: `{"site_id":"dummy.site","metrics":["visitors","events","pageviews"],"date_range":"7d",
				"dimensions":["visit:utm_medium","visit:utm_source"]}`,
			want: `{"results":[{"metrics":[1,1,1],"dimensions":["(not set)","(not set)"]},
				{"metrics":[1,2,2],"dimensions":["(not set)","google"]},{"metrics":[1,2,1],"dimensions":["social","twitter"]}],
				"meta":{},"query":{"site_id":"dummy.site","metrics":["visitors","events","pageviews"],` + week + `,"filters":[],
				"dimensions":["visit:utm_medium","visit:utm_source"],"order_by":[["visitors","desc"]],"include":{}}}`,
		},
		{
			name: "custom_properties",
			request: `{"site_id":"dummy.site","metrics":["visitors"],"date_range":"7d","dimensions":["time:day","event:props:is_customer"],
				"order_by":[["time:day","asc"],["event:props:is_customer","desc"]]}`,
			want: `{"results":[{"metrics":[1],"dimensions":["2024-09-04","true"]},{"metrics":[1],"dimensions":["2024-09-05","false"]},
				{"metrics":[1],"dimensions":["2024-09-10","(none)"]}],"meta":{},"query":{"site_id":"dummy.site","metrics":["visitors"],` +
				week + `,"filters":[],"dimensions":["time:day","event:props:is_customer"],
				"order_by":[["time:day","asc"],["event:props:is_customer","desc"]],"include":{}}}`,
		},
		{
			name: "pagination",
			request: `{"site_id":"dummy.site","metrics":["visitors","events","pageviews"],"date_range":"7d",
				"dimensions":["visit:utm_medium","visit:utm_source"],"include":{"total_rows":true},"pagination":{"limit":3,"offset":1}}`,
			want: `{"results":[{"metrics":[1,2,2],"dimensions":["(not set)","google"]},{"metrics":[1,2,1],"dimensions":["social","twitter"]}],
				"meta":{"total_rows":3},"query":{"site_id":"dummy.site","metrics":["visitors","events","pageviews"],` + week + `,
				"filters":[],"dimensions":["visit:utm_medium","visit:utm_source"],"order_by":[["visitors","desc"]],
				"include":{"total_rows":true},"pagination":{"offset":1,"limit":3}}}`,
		},
		{
			name:    "time_labels",
			request: `{"site_id":"dummy.site","metrics":["visitors"],"date_range":"day","dimensions":["time:hour"],"include":{"time_labels":true}}`,
			want: `{"results":[{"metrics":[1],"dimensions":["2024-09-10 01:00:00"]}],"meta":{"time_labels":[` + dayHours("2024-09-10") + `]},
				"query":{"site_id":"dummy.site","metrics":["visitors"],"date_range":["2024-09-10T00:00:00+00:00","2024-09-10T23:59:59+00:00"],
				"filters":[],"dimensions":["time:hour"],"order_by":[["time:hour","asc"],["visitors","desc"]],"include":{"time_labels":true}}}`,
		},
		{
			name:    "custom_date_range",
			request: `{"site_id":"dummy.site","metrics":["visitors"],"date_range":["2024-08-01","2024-08-15"]}`,
			want: `{"results":[{"metrics":[1],"dimensions":[]}],"meta":{},"query":{"site_id":"dummy.site","metrics":["visitors"],
				"date_range":["2024-08-01T00:00:00+00:00","2024-08-15T23:59:59+00:00"],"filters":[],"dimensions":[],
				"order_by":[["visitors","desc"]],"include":{}}}`,
		},
		{
			name: "filtering_case_insensitive",
			request: `{"site_id":"dummy.site","metrics":["visitors"],"date_range":"7d",
				"filters":[["contains","event:page",["blog"],{"case_sensitive":false}]]}`,
			want: `{"results":[{"metrics":[2],"dimensions":[]}],"meta":{},"query":{"site_id":"dummy.site","metrics":["visitors"],` + week + `,
				"filters":[["contains","event:page",["blog"],{"case_sensitive":false}]],"dimensions":[],
				"order_by":[["visitors","desc"]],"include":{}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			date := "2024-09-11"
			if strings.Contains(tt.request, `"day"`) {
				date = "2024-09-10"
			}
			a := postQuery(t, url, strings.Replace(tt.request, "{", `{"date":"`+date+`",`, 1))
			require.Equal(t, 200, a.status, a.raw)
			require.JSONEq(t, tt.want, a.raw)
		})
	}
}

// dayHours lists a day's 24 hour labels as JSON strings.
func dayHours(day string) string {
	labels := make([]string, 24)
	for h := range labels {
		b, _ := json.Marshal(day + " " + twoDigits(h) + ":00:00")
		labels[h] = string(b)
	}
	return strings.Join(labels, ",")
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

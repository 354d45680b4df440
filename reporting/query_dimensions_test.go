package reporting_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

// attrs sets the attributes ingestion would have captured for an event.
func attrs(source, browser, device string, props map[string]string) func(*event.Event) {
	return func(e *event.Event) {
		e.Source, e.Browser, e.Device, e.Hostname, e.Props = source, browser, device, "dims.example", props
	}
}

// breakdownSite, all on 2025-01-10 UTC:
//   - visitor 1 from Google on Firefox: / (props plan=pro) at 10:00, /pricing at 10:02, a signup on
//     /pricing (plan=pro) at 10:03: one visit of 3 minutes entering on / and leaving on /pricing;
//   - visitor 2 from Twitter on Chrome: /pricing at 11:00, a bounce;
//   - visitor 3, direct, on Chrome: / at 12:00 and at 12:10, one visit of 10 minutes.
func breakdownSite(t *testing.T) querySite {
	pro := map[string]string{"plan": "pro"}
	google := attrs("Google", "Firefox", "Desktop", nil)
	googlePro := attrs("Google", "Firefox", "Desktop", pro)
	return querySite{id: "dims.example", events: concat(
		visitorEvents(t, "dims.example", 1, pv("/", "2025-01-10T10:00:00Z").with(googlePro),
			pv("/pricing", "2025-01-10T10:02:00Z").with(google), custom("signup", "/pricing", "2025-01-10T10:03:00Z").with(googlePro)),
		visitorEvents(t, "dims.example", 2, pv("/pricing", "2025-01-10T11:00:00Z").with(attrs("Twitter", "Chrome", "Mobile", nil))),
		visitorEvents(t, "dims.example", 3, pv("/", "2025-01-10T12:00:00Z").with(attrs("", "Chrome", "Desktop", nil)),
			pv("/", "2025-01-10T12:10:00Z").with(attrs("", "Chrome", "Desktop", nil))),
	)}
}

func TestQueryDimensions(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, breakdownSite(t))
	const site = `"site_id":"dims.example","date_range":["2025-01-10","2025-01-10"],`
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "event_page_ties_broken_by_page_in_byte_order",
			body: `{` + site + `"metrics":["visitors","pageviews","events"],"dimensions":["event:page"]}`,
			want: `[{"dimensions":["/"],"metrics":[2,3,3]},{"dimensions":["/pricing"],"metrics":[2,2,3]}]`,
		},
		{
			name: "event_name_maps_page_view_to_pageview",
			body: `{` + site + `"metrics":["visitors","events"],"dimensions":["event:name"]}`,
			want: `[{"dimensions":["pageview"],"metrics":[3,5]},{"dimensions":["signup"],"metrics":[1,1]}]`,
		},
		{
			name: "visit_source_with_direct_none",
			body: `{` + site + `"metrics":["visitors","visits","bounce_rate"],"dimensions":["visit:source"]}`,
			want: `[{"dimensions":["Direct / None"],"metrics":[1,1,0]},{"dimensions":["Google"],"metrics":[1,1,0]},` +
				`{"dimensions":["Twitter"],"metrics":[1,1,100]}]`,
		},
		{
			name: "visit_entry_page_duration",
			body: `{` + site + `"metrics":["visits","visit_duration"],"dimensions":["visit:entry_page"]}`,
			want: `[{"dimensions":["/"],"metrics":[2,390]},{"dimensions":["/pricing"],"metrics":[1,0]}]`,
		},
		{
			name: "event_page_with_bounce_rate_of_visits_entering_there",
			body: `{` + site + `"metrics":["visitors","bounce_rate","percentage"],"dimensions":["event:page"]}`,
			want: `[{"dimensions":["/"],"metrics":[2,0,66.7]},{"dimensions":["/pricing"],"metrics":[2,100,66.7]}]`,
		},
		{
			name: "time_hour_in_order",
			body: `{` + site + `"metrics":["visitors"],"dimensions":["time:hour"]}`,
			want: `[{"dimensions":["2025-01-10 10:00:00"],"metrics":[1]},{"dimensions":["2025-01-10 11:00:00"],"metrics":[1]},` +
				`{"dimensions":["2025-01-10 12:00:00"],"metrics":[1]}]`,
		},
		{
			name: "props_with_none",
			body: `{` + site + `"metrics":["visitors","events"],"dimensions":["event:props:plan"]}`,
			want: `[{"dimensions":["(none)"],"metrics":[3,4]},{"dimensions":["pro"],"metrics":[1,2]}]`,
		},
		{
			name: "event_metric_by_visit_browser",
			body: `{` + site + `"metrics":["pageviews","visitors"],"dimensions":["visit:browser"]}`,
			want: `[{"dimensions":["Chrome"],"metrics":[3,2]},{"dimensions":["Firefox"],"metrics":[2,1]}]`,
		},
		{
			name: "order_by_overrides_and_ties_fall_back_to_dimensions",
			body: `{` + site + `"metrics":["visitors"],"dimensions":["event:page"],"order_by":[["visitors","asc"],["event:page","desc"]]}`,
			want: `[{"dimensions":["/pricing"],"metrics":[2]},{"dimensions":["/"],"metrics":[2]}]`,
		},
		{
			name: "pagination",
			body: `{` + site + `"metrics":["visitors"],"dimensions":["event:page"],"pagination":{"limit":1,"offset":1}}`,
			want: `[{"dimensions":["/pricing"],"metrics":[2]}]`,
		},
		{
			name: "two_dimensions",
			body: `{` + site + `"metrics":["visitors"],"dimensions":["visit:device","visit:browser"]}`,
			want: `[{"dimensions":["Desktop","Chrome"],"metrics":[1]},{"dimensions":["Desktop","Firefox"],"metrics":[1]},` +
				`{"dimensions":["Mobile","Chrome"],"metrics":[1]}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.JSONEq(t, tt.want, postQuery(t, url, tt.body).results(t))
		})
	}
}

func TestQueryMetaAndEcho(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, breakdownSite(t))
	a := postQuery(t, url, `{"site_id":"dims.example","date_range":["2025-01-09","2025-01-11"],"metrics":["visitors"],
		"dimensions":["time"],"include":{"time_labels":true,"total_rows":true},"pagination":{"limit":5}}`)
	require.JSONEq(t, `[{"dimensions":["2025-01-10"],"metrics":[3]}]`, a.results(t))
	meta, err := json.Marshal(a.body["meta"])
	require.NoError(t, err)
	require.JSONEq(t, `{"time_labels":["2025-01-09","2025-01-10","2025-01-11"],"total_rows":1}`, string(meta))
	query, err := json.Marshal(a.body["query"])
	require.NoError(t, err)
	require.JSONEq(t, `{"site_id":"dims.example","metrics":["visitors"],"date_range":["2025-01-09T00:00:00+00:00","2025-01-11T23:59:59+00:00"],
		"filters":[],"dimensions":["time:day"],"order_by":[["time:day","asc"],["visitors","desc"]],
		"include":{"time_labels":true,"total_rows":true},"pagination":{"limit":5}}`, string(query))
}

func TestQueryWeeksAndMonths(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, breakdownSite(t))
	tests := []struct {
		name, body, results, labels string
	}{
		{
			name: "first_week_starts_at_the_range",
			body: `{"site_id":"dims.example","date_range":["2025-01-08","2025-01-20"],"metrics":["visitors"],"dimensions":["time:week"],
				"include":{"time_labels":true}}`,
			results: `[{"dimensions":["2025-01-08"],"metrics":[3]}]`,
			labels:  `["2025-01-08","2025-01-13","2025-01-20"]`,
		},
		{
			name: "months_are_labelled_by_their_first_day",
			body: `{"site_id":"dims.example","date_range":["2024-12-15","2025-02-10"],"metrics":["visits"],"dimensions":["time:month"],
				"include":{"time_labels":true}}`,
			results: `[{"dimensions":["2025-01-01"],"metrics":[3]}]`,
			labels:  `["2024-12-01","2025-01-01","2025-02-01"]`,
		},
		{
			name:    "time_over_91_days_is_by_week",
			body:    `{"site_id":"dims.example","date_range":"91d","date":"2025-02-01","metrics":["visitors"],"dimensions":["time"]}`,
			results: `[{"dimensions":["2025-01-06"],"metrics":[3]}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := postQuery(t, url, tt.body)
			require.JSONEq(t, tt.results, a.results(t))
			if tt.labels != "" {
				labels, err := json.Marshal(a.body["meta"].(map[string]any)["time_labels"])
				require.NoError(t, err)
				require.JSONEq(t, tt.labels, string(labels))
			}
		})
	}
}

package reporting_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// nySite is in New York, whose clocks went from 02:00 EST to 03:00 EDT on 2025-03-09: one visitor each
// at 23:30 on Mar 8, 00:30 and 23:30 on Mar 9 and 00:30 on Mar 10, local time; UTC days would count
// two of them on other days.
func nySite(t *testing.T) querySite {
	return querySite{id: "ny.example", zone: "America/New_York", events: concat(
		visitorEvents(t, "ny.example", 1, pv("/", "2025-03-09T04:30:00Z")), // Mar 8 23:30 EST
		visitorEvents(t, "ny.example", 2, pv("/", "2025-03-09T05:30:00Z")), // Mar 9 00:30 EST
		visitorEvents(t, "ny.example", 3, pv("/", "2025-03-10T03:30:00Z")), // Mar 9 23:30 EDT
		visitorEvents(t, "ny.example", 4, pv("/", "2025-03-10T04:30:00Z")), // Mar 10 00:30 EDT
	)}
}

func TestQueryCountsLocalDaysAcrossDST(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, nySite(t))
	const mar9 = `"site_id":"ny.example","date_range":["2025-03-09","2025-03-09"],`
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "hourly_projection",
			body: `{` + mar9 + `"metrics":["visitors","pageviews"]}`,
			want: `[{"dimensions":[],"metrics":[2,2]}]`,
		},
		{
			name: "visits",
			body: `{` + mar9 + `"metrics":["visits","visit_duration"]}`,
			want: `[{"dimensions":[],"metrics":[2,0]}]`,
		},
		{
			name: "raw_events_joined_to_visits",
			body: `{` + mar9 + `"metrics":["pageviews"],"filters":[["is_not","visit:source",["nowhere"]]]}`,
			want: `[{"dimensions":[],"metrics":[2]}]`,
		},
		{
			name: "days_series",
			body: `{"site_id":"ny.example","date_range":["2025-03-08","2025-03-10"],"metrics":["visitors","visits"],"dimensions":["time:day"]}`,
			want: `[{"dimensions":["2025-03-08"],"metrics":[1,1]},{"dimensions":["2025-03-09"],"metrics":[2,2]},` +
				`{"dimensions":["2025-03-10"],"metrics":[1,1]}]`,
		},
		{
			name: "hours_are_local_wall_clock",
			body: `{` + mar9 + `"metrics":["visitors"],"dimensions":["time:hour"]}`,
			want: `[{"dimensions":["2025-03-09 00:00:00"],"metrics":[1]},{"dimensions":["2025-03-09 23:00:00"],"metrics":[1]}]`,
		},
		{
			name: "datetime_range_with_offset",
			body: `{"site_id":"ny.example","date_range":["2025-03-09T00:00:00-05:00","2025-03-09T12:00:00-04:00"],"metrics":["visitors"]}`,
			want: `[{"dimensions":[],"metrics":[1]}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.JSONEq(t, tt.want, postQuery(t, url, tt.body).results(t))
		})
	}
}

func TestQueryEchoesLocalRangeAndLabels(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, nySite(t))
	a := postQuery(t, url, `{"site_id":"ny.example","date_range":"day","date":"2025-03-09","metrics":["visitors"],
		"dimensions":["time"],"include":{"time_labels":true}}`)
	require.Equal(t, 200, a.status, a.raw)
	query, err := json.Marshal(a.body["query"].(map[string]any)["date_range"])
	require.NoError(t, err)
	require.JSONEq(t, `["2025-03-09T00:00:00-05:00","2025-03-09T23:59:59-04:00"]`, string(query))
	labels := a.body["meta"].(map[string]any)["time_labels"].([]any)
	require.Len(t, labels, 24, "a day's local wall-clock hours, as Plausible labels them")
	require.Equal(t, "2025-03-09 00:00:00", labels[0])
	require.Equal(t, "2025-03-09 23:00:00", labels[23])
}

// TestQueryDayStartsAfterSkippedMidnight: Havana's clocks skip from 00:00 to 01:00 on 2025-03-09, so that
// day begins at 01:00 CDT (05:00 UTC); Go's time.Date makes the missing midnight 23:00 of the day before.
func TestQueryDayStartsAfterSkippedMidnight(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, querySite{id: "havana.example", zone: "America/Havana", events: concat(
		visitorEvents(t, "havana.example", 1, pv("/", "2025-03-09T04:30:00Z")), // Mar 8 23:30 CST
		visitorEvents(t, "havana.example", 2, pv("/", "2025-03-09T05:30:00Z")), // Mar 9 01:30 CDT
	)})
	const mar9 = `"site_id":"havana.example","date_range":["2025-03-09","2025-03-09"],`
	for _, body := range []string{
		`{` + mar9 + `"metrics":["pageviews"]}`,
		`{` + mar9 + `"metrics":["pageviews"],"filters":[["is_not","visit:source",["nowhere"]]]}`,
	} {
		a := postQuery(t, url, body)
		require.JSONEq(t, `[{"dimensions":[],"metrics":[1]}]`, a.results(t), body)
		dates, err := json.Marshal(a.body["query"].(map[string]any)["date_range"])
		require.NoError(t, err)
		require.JSONEq(t, `["2025-03-09T01:00:00-04:00","2025-03-09T23:59:59-04:00"]`, string(dates))
	}
}

// TestQueryVisitCountsOnItsStartDay: a visit from 23:50 to 00:10 counts on the day it starts, also when
// the query asks for event metrics too; its events count on their own days.
func TestQueryVisitCountsOnItsStartDay(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, querySite{id: "midnight.example", events: visitorEvents(t, "midnight.example", 1,
		pv("/", "2025-01-10T23:50:00Z"), pv("/b", "2025-01-11T00:10:00Z"))})
	tests := []struct{ day, want string }{
		{"2025-01-10", `[{"dimensions":[],"metrics":[1,1,1,1200]}]`},
		{"2025-01-11", `[{"dimensions":[],"metrics":[1,0,1,0]}]`},
	}
	for _, tt := range tests {
		body := `{"site_id":"midnight.example","date_range":["` + tt.day + `","` + tt.day + `"],` +
			`"metrics":["visitors","visits","pageviews","visit_duration"]}`
		require.JSONEq(t, tt.want, postQuery(t, url, body).results(t), tt.day)
	}
}

// TestQueryEventFilterReadsEventsInTheRange: a visit passes an event filter when one of its events in
// the range does, as Plausible's sessions query joins the events of the range (sql/query_builder.ex
// join_events_if_needed): a signup after midnight does not make the visit starting before it a signup
// visit of that day.
func TestQueryEventFilterReadsEventsInTheRange(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t, querySite{id: "late-signup.example", events: visitorEvents(t, "late-signup.example", 1,
		pv("/", "2025-01-10T23:50:00Z"), custom("signup", "/", "2025-01-11T00:05:00Z"))})
	tests := []struct{ metrics, want string }{
		{`["visits"]`, `[{"dimensions":[],"metrics":[0]}]`},
		{`["visits","bounce_rate"]`, `[{"dimensions":[],"metrics":[0,0]}]`},
		{`["visits","events"]`, `[{"dimensions":[],"metrics":[0,0]}]`},
	}
	for _, tt := range tests {
		body := `{"site_id":"late-signup.example","date_range":["2025-01-10","2025-01-10"],"metrics":` + tt.metrics +
			`,"filters":[["is","event:name",["signup"]]]}`
		require.JSONEq(t, tt.want, postQuery(t, url, body).results(t), tt.metrics)
	}
}

package queryoracle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/queryoracle"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// handData is a New York site's events, computed by hand below. Local times are EDT (UTC−4) until
// 2025-11-02 02:00, EST (UTC−5) after.
//
//	a: e1 "/" Oct 31 23:50, e2 "/pricing" Nov 1 00:10, e3 signup 00:15 — one visit starting Oct 31, 25 min
//	b: e4 "/" Nov 1 10:00 from Google, plan=pro — a bounce
//	c: e5 "/docs" 11:00 plan=Free — a bounce; e6 "/" 11:40, e7 click 11:50 — a second visit of 600 s
//	d: e8 "/" Nov 2 01:30 EDT, e9 "/" 01:30 EST — two visits an hour apart, in one wall-clock hour
//	e: e10 signup Nov 3 10:00 — a visit of one event that is no page view, still a bounce
//	a bot's event, never counted
func handData(t *testing.T) *queryoracle.Data {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return ts
	}
	ev := func(id, user, typ, path, ts string) event.Event {
		return event.Event{EventID: id, SiteID: "ny", EventType: typ, Path: path, UserID: user, Timestamp: at(ts),
			VisitorID: visitor.FromUser("ny", user)}
	}
	e4 := ev("e4", "b", event.PageView, "/", "2025-11-01T14:00:00Z")
	e4.Source, e4.Referrer, e4.Props = "Google", "https://www.google.com/", map[string]string{"plan": "pro"}
	e5 := ev("e5", "c", event.PageView, "/docs", "2025-11-01T15:00:00Z")
	e5.Props = map[string]string{"plan": "Free"}
	bot := ev("bot", "z", event.PageView, "/", "2025-11-01T15:00:00Z")
	bot.Bot = true
	events := []event.Event{
		ev("e1", "a", event.PageView, "/", "2025-11-01T03:50:00Z"),
		ev("e2", "a", event.PageView, "/pricing", "2025-11-01T04:10:00Z"),
		ev("e3", "a", "signup", "/pricing", "2025-11-01T04:15:00Z"),
		e4, e5,
		ev("e6", "c", event.PageView, "/", "2025-11-01T15:40:00Z"),
		ev("e7", "c", "click", "/", "2025-11-01T15:50:00Z"),
		ev("e8", "d", event.PageView, "/", "2025-11-02T05:30:00Z"),
		ev("e9", "d", event.PageView, "/", "2025-11-02T06:30:00Z"),
		ev("e10", "e", "signup", "/pricing", "2025-11-03T15:00:00Z"),
		bot,
	}
	return queryoracle.FromEvents(events, map[string]*time.Location{"ny": ny})
}

func day(date string) queryoracle.DateRange {
	return queryoracle.DateRange{From: date, To: date}
}

func leaf(op, dim string, clauses ...string) queryoracle.Filter {
	return queryoracle.Filter{Op: op, Dimension: dim, Clauses: clauses}
}

func TestAnswerByHand(t *testing.T) {
	t.Parallel()
	data := handData(t)
	type row = queryoracle.Row
	cases := []struct {
		name  string
		query queryoracle.Query
		want  []row
	}{
		{
			name:  "event_metrics_count_events_of_the_local_day_and_visits_starting_on_it",
			query: queryoracle.Query{Metrics: []string{"visitors", "visits", "pageviews", "events"}, DateRange: day("2025-11-01")},
			want:  []row{{Dimensions: []string{}, Metrics: []any{3.0, 3.0, 4.0, 6.0}}},
		},
		{
			name:  "grouped_by_an_event_dimension_visits_are_those_with_an_event_of_the_group",
			query: queryoracle.Query{Metrics: []string{"visits", "events"}, DateRange: day("2025-11-01"), Dimensions: []string{"event:name"}},
			want: []row{
				{Dimensions: []string{"pageview"}, Metrics: []any{4.0, 4.0}},
				{Dimensions: []string{"click"}, Metrics: []any{1.0, 1.0}},
				{Dimensions: []string{"signup"}, Metrics: []any{1.0, 1.0}},
			},
		},
		{
			name:  "visit_metrics_count_visits_starting_in_the_range",
			query: queryoracle.Query{Metrics: []string{"visitors", "visits", "bounce_rate", "visit_duration", "views_per_visit"}, DateRange: day("2025-11-01")},
			want:  []row{{Dimensions: []string{}, Metrics: []any{2.0, 3.0, 67.0, 200.0, 1.0}}},
		},
		{
			name:  "a_visit_counts_on_the_day_it_starts",
			query: queryoracle.Query{Metrics: []string{"visits", "visit_duration", "bounce_rate", "views_per_visit"}, DateRange: day("2025-10-31")},
			want:  []row{{Dimensions: []string{}, Metrics: []any{1.0, 1500.0, 0.0, 2.0}}},
		},
		{
			name:  "one_event_of_any_name_is_a_bounce",
			query: queryoracle.Query{Metrics: []string{"visits", "bounce_rate", "pageviews"}, DateRange: day("2025-11-03")},
			want:  []row{{Dimensions: []string{}, Metrics: []any{1.0, 100.0, 0.0}}},
		},
		{
			name:  "source_breakdown_with_percentage_ties_by_byte_order",
			query: queryoracle.Query{Metrics: []string{"visitors", "percentage"}, DateRange: day("2025-11-01"), Dimensions: []string{"visit:source"}},
			want: []row{
				{Dimensions: []string{"Direct / None"}, Metrics: []any{1.0, 50.0}},
				{Dimensions: []string{"Google"}, Metrics: []any{1.0, 50.0}},
			},
		},
		{
			name: "event_filter_with_either_metrics_reads_events",
			query: queryoracle.Query{Metrics: []string{"visitors", "visits"}, DateRange: day("2025-11-01"),
				Filters: []queryoracle.Filter{leaf("is", "event:page", "/docs")}},
			want: []row{{Dimensions: []string{}, Metrics: []any{1.0, 1.0}}},
		},
		{
			name: "bounce_rate_with_page_filter_counts_visits_entering_there",
			query: queryoracle.Query{Metrics: []string{"visits", "bounce_rate"}, DateRange: day("2025-11-01"),
				Filters: []queryoracle.Filter{leaf("is", "event:page", "/")}},
			want: []row{{Dimensions: []string{}, Metrics: []any{2.0, 50.0}}},
		},
		{
			name:  "page_breakdown_takes_bounce_rate_by_entry_page",
			query: queryoracle.Query{Metrics: []string{"visitors", "bounce_rate"}, DateRange: day("2025-11-01"), Dimensions: []string{"event:page"}},
			want: []row{
				{Dimensions: []string{"/"}, Metrics: []any{2.0, 50.0}},
				{Dimensions: []string{"/docs"}, Metrics: []any{1.0, 100.0}},
				{Dimensions: []string{"/pricing"}, Metrics: []any{1.0, 0.0}},
			},
		},
		{
			name: "visit_metrics_alone_by_page_come_from_the_visits_by_entry_page",
			query: queryoracle.Query{Metrics: []string{"bounce_rate"}, DateRange: day("2025-11-01"), Dimensions: []string{"event:page"},
				Filters: []queryoracle.Filter{leaf("contains_not", "visit:entry_page", "doc")}},
			want: []row{{Dimensions: []string{"/"}, Metrics: []any{50.0}}},
		},
		{
			name:  "hours_in_the_site_wall_clock_ascending",
			query: queryoracle.Query{Metrics: []string{"events"}, DateRange: day("2025-11-01"), Dimensions: []string{"time:hour"}},
			want: []row{
				{Dimensions: []string{"2025-11-01 00:00:00"}, Metrics: []any{2.0}},
				{Dimensions: []string{"2025-11-01 10:00:00"}, Metrics: []any{1.0}},
				{Dimensions: []string{"2025-11-01 11:00:00"}, Metrics: []any{3.0}},
			},
		},
		{
			name:  "repeated_autumn_hour_is_one_bucket",
			query: queryoracle.Query{Metrics: []string{"events", "visits"}, DateRange: day("2025-11-02"), Dimensions: []string{"time"}},
			want:  []row{{Dimensions: []string{"2025-11-02 01:00:00"}, Metrics: []any{2.0, 2.0}}},
		},
		{
			name:  "time_is_days_beyond_48_hours",
			query: queryoracle.Query{Metrics: []string{"events"}, DateRange: queryoracle.DateRange{From: "2025-10-31", To: "2025-11-02"}, Dimensions: []string{"time"}},
			want: []row{
				{Dimensions: []string{"2025-10-31"}, Metrics: []any{1.0}},
				{Dimensions: []string{"2025-11-01"}, Metrics: []any{6.0}},
				{Dimensions: []string{"2025-11-02"}, Metrics: []any{2.0}},
			},
		},
		{
			name:  "time_is_weeks_beyond_40_days",
			query: queryoracle.Query{Metrics: []string{"events"}, DateRange: queryoracle.DateRange{From: "2025-10-01", To: "2025-11-29"}, Dimensions: []string{"time"}},
			want: []row{
				{Dimensions: []string{"2025-10-27"}, Metrics: []any{9.0}},
				{Dimensions: []string{"2025-11-03"}, Metrics: []any{1.0}},
			},
		},
		{
			name:  "name_maps_page_view_to_pageview",
			query: queryoracle.Query{Metrics: []string{"events"}, DateRange: day("2025-11-01"), Dimensions: []string{"event:name"}},
			want: []row{
				{Dimensions: []string{"pageview"}, Metrics: []any{4.0}},
				{Dimensions: []string{"click"}, Metrics: []any{1.0}},
				{Dimensions: []string{"signup"}, Metrics: []any{1.0}},
			},
		},
		{
			name:  "missing_property_is_none",
			query: queryoracle.Query{Metrics: []string{"events"}, DateRange: day("2025-11-01"), Dimensions: []string{"event:props:plan"}},
			want: []row{
				{Dimensions: []string{"(none)"}, Metrics: []any{4.0}},
				{Dimensions: []string{"Free"}, Metrics: []any{1.0}},
				{Dimensions: []string{"pro"}, Metrics: []any{1.0}},
			},
		},
		{
			name: "pagination_after_ordering",
			query: queryoracle.Query{Metrics: []string{"visitors"}, DateRange: day("2025-11-01"), Dimensions: []string{"event:page"},
				Pagination: &queryoracle.Pagination{Limit: 1, Offset: 1}},
			want: []row{{Dimensions: []string{"/docs"}, Metrics: []any{1.0}}},
		},
		{
			name: "order_by_dimension_descending",
			query: queryoracle.Query{Metrics: []string{"visitors"}, DateRange: day("2025-11-01"), Dimensions: []string{"event:page"},
				OrderBy: []queryoracle.Order{{Name: "event:page", Direction: "desc"}}},
			want: []row{
				{Dimensions: []string{"/pricing"}, Metrics: []any{1.0}},
				{Dimensions: []string{"/docs"}, Metrics: []any{1.0}},
				{Dimensions: []string{"/"}, Metrics: []any{2.0}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.query.SiteID = "ny"
			got, err := data.Answer(tc.query)
			require.NoError(t, err)
			require.Equal(t, tc.want, got.Rows)
		})
	}
}

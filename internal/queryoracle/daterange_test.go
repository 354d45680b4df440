package queryoracle_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/queryoracle"
)

// TestRangesByHand checks each range through the time labels it lists.
func TestRangesByHand(t *testing.T) {
	t.Parallel()
	data := handData(t)
	cases := []struct {
		name, dateRange, date, dimension string
		first, last                      string
		count                            int
	}{
		{name: "nd_ends_the_day_before_date", dateRange: "91d", date: "2022-07-01", dimension: "time:day", first: "2022-04-01", last: "2022-06-30", count: 91},
		{name: "7d", dateRange: "7d", date: "2025-11-08", dimension: "time:day", first: "2025-11-01", last: "2025-11-07", count: 7},
		{name: "day_has_24_naive_hours_on_dst_change", dateRange: "day", date: "2025-11-02", dimension: "time:hour", first: "2025-11-02 00:00:00", last: "2025-11-02 23:00:00", count: 24},
		{name: "month_is_the_whole_month", dateRange: "month", date: "2025-02-15", dimension: "time:day", first: "2025-02-01", last: "2025-02-28", count: 28},
		{name: "6mo_are_the_months_before", dateRange: "6mo", date: "2025-03-15", dimension: "time:month", first: "2024-09-01", last: "2025-02-01", count: 6},
		{name: "year_is_the_whole_year", dateRange: "year", date: "2025-03-15", dimension: "time:month", first: "2025-01-01", last: "2025-12-01", count: 12},
		{name: "weeks_start_monday_not_before_range", dateRange: "", date: "", dimension: "time:week", first: "2025-10-29", last: "2025-11-10", count: 3},
		{name: "time_is_day_up_to_40_days", dateRange: "30d", date: "2025-12-01", dimension: "time", first: "2025-11-01", last: "2025-11-30", count: 30},
		{name: "time_is_week_up_to_52_weeks", dateRange: "91d", date: "2025-12-01", dimension: "time", first: "2025-09-01", last: "2025-11-24", count: 13},
		{name: "time_is_week_for_a_year", dateRange: "year", date: "2025-03-15", dimension: "time", first: "2025-01-01", last: "2025-12-29", count: 53},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := queryoracle.Query{SiteID: "ny", Metrics: []string{"visitors"}, Date: tc.date,
				DateRange:  queryoracle.DateRange{Name: tc.dateRange, From: "2025-10-29", To: "2025-11-12"},
				Dimensions: []string{tc.dimension}, Include: &queryoracle.Include{TimeLabels: true}}
			got, err := data.Answer(q)
			require.NoError(t, err)
			require.Len(t, got.TimeLabels, tc.count)
			require.Equal(t, tc.first, got.TimeLabels[0])
			require.Equal(t, tc.last, got.TimeLabels[len(got.TimeLabels)-1])
		})
	}
}

// TestDateTimeRangeByHand: a range of instants counts the events within it, however the local days fall.
func TestDateTimeRangeByHand(t *testing.T) {
	t.Parallel()
	got, err := handData(t).Answer(queryoracle.Query{SiteID: "ny", Metrics: []string{"events"},
		DateRange: queryoracle.DateRange{From: "2025-10-31T23:55:00-04:00", To: "2025-11-01T10:00:00-04:00"}})
	require.NoError(t, err)
	require.Equal(t, []any{3.0}, got.Rows[0].Metrics, "e2, e3 and e4 at its last instant")
}

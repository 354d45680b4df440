package statsquery_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/statsquery"
)

func TestResolveRelativeRanges(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	// 23:30 UTC on Mar 31 is already Apr 1 in Berlin: relative ranges count from the site's today.
	now := time.Date(2025, 3, 31, 23, 30, 0, 0, time.UTC)
	statsStart := time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, dateRange, date string
		first, last           string
	}{
		{"day_is_the_sites_today", "day", "", "2025-04-01", "2025-04-01"},
		{"7d_ends_yesterday", "7d", "", "2025-03-25", "2025-03-31"},
		{"28d", "28d", "", "2025-03-04", "2025-03-31"},
		{"30d", "30d", "", "2025-03-02", "2025-03-31"},
		{"91d", "91d", "", "2024-12-31", "2025-03-31"},
		{"month_is_the_whole_month", "month", "", "2025-04-01", "2025-04-30"},
		{"6mo_are_the_whole_months_before", "6mo", "", "2024-10-01", "2025-03-31"},
		{"12mo", "12mo", "", "2024-04-01", "2025-03-31"},
		{"year_is_the_whole_year", "year", "", "2025-01-01", "2025-12-31"},
		{"all_starts_at_the_first_day_with_data", "all", "", "2024-11-20", "2025-04-01"},
		{"date_moves_the_reference_day", "7d", "2024-03-01", "2024-02-23", "2024-02-29"},
		{"month_of_date", "month", "2024-02-10", "2024-02-01", "2024-02-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := parse(t, `{"site_id":"s","metrics":["visitors"],"date_range":"`+tt.dateRange+`"`+dateKey(tt.date)+`}`)
			r, err := statsquery.Resolve(req, berlin, now, statsStart)
			require.NoError(t, err)
			require.True(t, r.Days)
			require.Equal(t, tt.first, r.First.Format(time.DateOnly))
			require.Equal(t, tt.last, r.Last.Format(time.DateOnly))
			require.Equal(t, localMidnight(t, tt.first, berlin), r.Start)
		})
	}
}

func TestResolveDatetimeRangeIncludesItsLastSecond(t *testing.T) {
	t.Parallel()
	req := parse(t, `{"site_id":"s","metrics":["visitors"],"date_range":["2024-01-01T12:00:00+02:00","2024-01-01T15:59:59+02:00"]}`)
	r, err := statsquery.Resolve(req, time.UTC, time.Now(), time.Time{})
	require.NoError(t, err)
	require.False(t, r.Days)
	require.True(t, r.Start.Equal(time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)))
	require.True(t, r.End.Equal(time.Date(2024, 1, 1, 13, 59, 59, 1000, time.UTC)), "end %s", r.End)
}

func parse(t *testing.T, body string) statsquery.Request {
	t.Helper()
	obj, err := statsquery.Decode([]byte(body))
	require.NoError(t, err)
	req, err := statsquery.Parse(obj)
	require.NoError(t, err)
	return req
}

func dateKey(date string) string {
	if date == "" {
		return ""
	}
	return `,"date":"` + date + `"`
}

func localMidnight(t *testing.T, day string, zone *time.Location) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, zone)
	require.NoError(t, err)
	return d
}

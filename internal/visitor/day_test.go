package visitor_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/visitor"
)

func TestDayIsTheDateInTheZone(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	instant := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	require.Equal(t, date(2026, 3, 9), visitor.Day(instant, ny))
	require.Equal(t, date(2026, 3, 10), visitor.Day(instant, kolkata))
	require.Equal(t, date(2026, 3, 10), visitor.Day(instant, time.UTC))
}

// TestLiveIsWhileSomeZoneIsInTheDate walks the edges of a date's salt: from 10:00 UTC of the date before
// (midnight at UTC+14) up to, not including, 12:00 UTC of the date after (midnight at UTC-12).
func TestLiveIsWhileSomeZoneIsInTheDate(t *testing.T) {
	t.Parallel()
	day := date(2026, 6, 15)
	cases := []struct {
		name            string
		now             time.Time
		creatable, live bool
	}{
		{name: "before_utc_plus_14_enters", now: time.Date(2026, 6, 14, 9, 59, 59, 0, time.UTC)},
		{name: "utc_plus_14_enters", now: time.Date(2026, 6, 14, 10, 0, 0, 0, time.UTC), creatable: true, live: true},
		{name: "utc_midday", now: time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC), creatable: true, live: true},
		{name: "utc_minus_12_last_second", now: time.Date(2026, 6, 16, 11, 59, 59, 0, time.UTC), creatable: true, live: true},
		{name: "utc_minus_12_leaves", now: time.Date(2026, 6, 16, 12, 0, 0, 0, time.UTC), creatable: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.creatable, visitor.Creatable(day, c.now))
			require.Equal(t, !c.live && c.creatable, visitor.Expired(day, c.now))
			require.Equal(t, c.live, visitor.Live(day, c.now))
		})
	}
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

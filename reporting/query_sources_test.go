package reporting_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/projectiontest"
)

// TestQueryHourlyAndRawEventsAgree checks the cheapest-source choice: a query over whole local days that
// the hourly projection answers must give what raw events give for the same instants (a date-time range,
// which raw events answer), on random events around local midnights and DST changes in several zones.
func TestQueryHourlyAndRawEventsAgree(t *testing.T) {
	t.Parallel()
	gen := projectiontest.NewGenerator(rand.New(rand.NewPCG(13, 1)), projectiontest.Sites())
	events := gen.Events(3000)
	var all []querySite
	for _, s := range projectiontest.Sites() {
		qs := querySite{id: s.ID}
		if s.Registered {
			qs.zone = s.Zone.String()
		}
		for _, e := range events {
			if e.SiteID == s.ID {
				qs.events = append(qs.events, e)
			}
		}
		all = append(all, qs)
	}
	url := newQueryServer(t, all...)
	shapes := []string{
		`"metrics":["visitors","pageviews","events"]`,
		`"metrics":["visitors","pageviews"],"dimensions":["event:page"]`,
		`"metrics":["visitors","events","percentage"],"dimensions":["event:name"],"filters":[["contains","event:page",["BLOG"],{"case_sensitive":false}]]`,
		`"metrics":["visitors","events"],"dimensions":["time:hour"]`,
		`"metrics":["visitors"],"dimensions":["time:day","event:page"]`,
		`"metrics":["visitors","events"],"dimensions":["event:name"],"filters":[["is","event:props:plan",["pro","42"]]]`,
		`"metrics":["visitors","pageviews"],"dimensions":["event:hostname"],"filters":[["is","event:hostname",["example.com"]]]`,
		`"metrics":["visitors"],"filters":[["is_not","event:page",["/"]],["matches","event:page",["^/[a-z]+$"]]]`,
	}
	ranges := [][2]string{{"2025-03-08", "2025-03-09"}, {"2025-03-09", "2025-03-09"}, {"2025-11-01", "2025-11-03"}}
	compared := 0
	for _, s := range projectiontest.Sites() {
		for _, r := range ranges {
			first, err := time.ParseInLocation(time.DateOnly, r[0], s.Zone)
			require.NoError(t, err)
			last, err := time.ParseInLocation(time.DateOnly, r[1], s.Zone)
			require.NoError(t, err)
			end := last.AddDate(0, 0, 1).Add(-time.Microsecond)
			for _, shape := range shapes {
				days := fmt.Sprintf(`{"site_id":%q,"date_range":[%q,%q],%s}`, s.ID, r[0], r[1], shape)
				instants := fmt.Sprintf(`{"site_id":%q,"date_range":[%q,%q],%s}`, s.ID,
					first.Format(time.RFC3339Nano), end.Format(time.RFC3339Nano), shape)
				want := postQuery(t, url, instants).results(t)
				require.JSONEq(t, want, postQuery(t, url, days).results(t), "site %s, %s", s.ID, days)
				if want != `[{"dimensions":[],"metrics":[0,0,0]}]` {
					compared++
				}
			}
		}
	}
	require.Greater(t, compared, 50, "queries with data compared")
}

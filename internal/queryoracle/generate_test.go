package queryoracle_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/projectiontest"
	"github.com/analytics-pipeline/analytics/internal/queryoracle"
)

// TestGeneratedEventsCoverTheHardCases checks that a generated set has what the oracle test relies on.
func TestGeneratedEventsCoverTheHardCases(t *testing.T) {
	t.Parallel()
	sites := projectiontest.Sites()
	events := queryoracle.NewEventGenerator(rand.New(rand.NewPCG(1, 2)), sites).Events(20_000)
	zones := projectiontest.Zones(sites)
	var users, cookieless, unknown, bots, props int
	first, last := events[0].Timestamp, events[0].Timestamp
	for _, e := range events {
		switch {
		case e.Bot:
			bots++
		case e.UserID != "":
			users++
		case e.VisitorID != 0:
			cookieless++
		default:
			unknown++
		}
		if len(e.Props) > 0 {
			props++
		}
		require.NotZero(t, e.Timestamp.Nanosecond(), "no event on a whole second")
		if e.Timestamp.Before(first) {
			first = e.Timestamp
		}
		if e.Timestamp.After(last) {
			last = e.Timestamp
		}
	}
	require.Positive(t, users)
	require.Positive(t, cookieless)
	require.Positive(t, unknown)
	require.Positive(t, bots)
	require.Positive(t, props)
	require.Greater(t, last.Sub(first), 30*24*time.Hour, "a month of days")

	require.Positive(t, crossingMidnight(events, zones), "visits across local midnight")
}

// crossingMidnight counts a visitor's consecutive events at most 30 minutes apart on two local dates.
func crossingMidnight(events []event.Event, zones map[string]*time.Location) int {
	type who struct {
		site    string
		visitor int64
	}
	last := map[who]time.Time{}
	n := 0
	for _, e := range events {
		k := who{e.SiteID, e.VisitorID}
		if prev, ok := last[k]; ok && e.VisitorID != 0 && e.Timestamp.Sub(prev) <= 30*time.Minute {
			zone := zones[e.SiteID]
			if zone == nil {
				zone = time.UTC
			}
			if prev.In(zone).Day() != e.Timestamp.In(zone).Day() {
				n++
			}
		}
		last[k] = e.Timestamp
	}
	return n
}

// TestGeneratedQueriesAreAnswered runs many generated queries through the oracle: none fails, and they
// reach every table choice, dimension and metric.
func TestGeneratedQueriesAreAnswered(t *testing.T) {
	t.Parallel()
	sites := projectiontest.Sites()
	data := queryoracle.FromEvents(queryoracle.NewEventGenerator(rand.New(rand.NewPCG(3, 4)), sites).Events(5_000), projectiontest.Zones(sites))
	gen := queryoracle.NewQueryGenerator(rand.New(rand.NewPCG(5, 6)), data.Sites())
	dims, metrics, nonEmpty := map[string]bool{}, map[string]bool{}, 0
	for range 1000 {
		q := gen.Query()
		got, err := data.Answer(q)
		require.NoError(t, err, "%+v", q)
		for _, d := range q.Dimensions {
			dims[d] = true
		}
		for _, m := range q.Metrics {
			metrics[m] = true
		}
		if len(got.Rows) > 0 && (len(q.Dimensions) > 0 || got.Rows[0].Metrics[0] != 0.0) {
			nonEmpty++
		}
	}
	require.Len(t, dims, len(queryoracle.Dimensions))
	require.Len(t, metrics, len(queryoracle.Metrics))
	require.Greater(t, nonEmpty, 500, "most generated queries have something to count")
}

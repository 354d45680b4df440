package bench

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/statsquery"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// TestPopulateQueryDrawsZipfSitesOfRealisticVisits fills a small query data set and checks the shape the
// figures rely on: Zipf traffic, visits of several events, returning visitors with and without a user,
// attributes from the small sets, projections filled by the rebuild, and the four figures' queries
// answering rows on the biggest site.
func TestPopulateQueryDrawsZipfSitesOfRealisticVisits(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url := testenv.DatabaseURL(t)
	stored, err := populateQuery(ctx, url, 20000, func(step string, took time.Duration) { t.Logf("%s: %s", step, took) })
	require.NoError(t, err)
	require.InDelta(t, 20000, stored, 20000*0.1, "about as many raw events as asked")

	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	scalar := func(sql string, args ...any) float64 {
		t.Helper()
		var v float64
		require.NoError(t, conn.QueryRow(ctx, sql, args...).Scan(&v), sql)
		return v
	}
	siteEvents := func(k int) float64 {
		return scalar(`SELECT count(*) FROM events WHERE site_id = 'query-site-' || $1::int`, k)
	}
	require.InDelta(t, 2, siteEvents(1)/siteEvents(2), 0.4, "site 1 gets about twice site 2's events (Zipf, s = 1)")
	require.InDelta(t, 10, siteEvents(1)/siteEvents(10), 3, "and about ten times site 10's")
	require.Equal(t, float64(querySites), scalar(`SELECT count(DISTINCT site_id) FROM events`))
	require.Equal(t, float64(queryDays), scalar(`SELECT count(DISTINCT occurred_at::date) FROM events WHERE occurred_at < $1`, queryLastDay.AddDate(0, 0, 1)))

	perVisit := scalar(`SELECT avg(events) FROM visits`)
	require.InDelta(t, queryEventsPerVisit, perVisit, 0.5, "several events per visit")
	require.InDelta(t, 0.4, scalar(`SELECT avg((events = 1)::int) FROM visits`), 0.05, "bounces")
	require.Equal(t, stored, int64(scalar(`SELECT sum(events) FROM visits`)), "every raw event is in a visit")
	require.InDelta(t, 0.3, scalar(`SELECT avg((user_id IS NOT NULL)::int) FROM events`), 0.05, "events with and without a user_id")
	returning := scalar(`SELECT count(*) FROM (SELECT visitor_id FROM visits GROUP BY site_id, visitor_id HAVING count(DISTINCT day) > 1) AS v`)
	require.Positive(t, returning, "visitors return across days")

	for _, column := range []string{"source", "referrer", "utm_campaign", "browser", "os", "device"} {
		n := scalar(`SELECT count(DISTINCT ` + column + `) FROM visits`)
		require.True(t, n >= 2 && n <= 10, "%s: %v distinct values, from a small set", column, n)
	}
	require.InDelta(t, 0.3, scalar(`SELECT avg(coalesce(source = 'Google', false)::int) FROM visits`), 0.05, "Google's share of visits")
	require.Positive(t, scalar(`SELECT count(*) FROM hourly_visitors WHERE dimension = 'event:props:plan'`), "custom events carry props")
	require.Positive(t, scalar(`SELECT count(*) FROM hourly_visitors WHERE dimension = 'event:page' AND value = '/'`))

	for _, f := range queryFigures() {
		obj, err := statsquery.Decode([]byte(f.Body))
		require.NoError(t, err, f.Name)
		req, err := statsquery.Parse(obj)
		require.NoError(t, err, f.Name)
		rng, err := statsquery.Resolve(req, time.UTC, time.Now(), time.Time{})
		require.NoError(t, err, f.Name)
		res, err := statsquery.Run(ctx, conn, statsquery.NewQuery(req, rng))
		require.NoError(t, err, f.Name)
		require.NotEmpty(t, res.Rows, f.Name)
	}
}

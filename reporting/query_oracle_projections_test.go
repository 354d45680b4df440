package reporting_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/queryoracle"
)

// requireOracleMatchesProjections checks the oracle itself against the rebuilt projections, before any
// query: per site and local day, the visits starting (visits), the events (daily_aggregates) and the
// distinct visitors with an event (hourly_visitors).
func requireOracleMatchesProjections(t *testing.T, pool *pgxpool.Pool, data *queryoracle.Data) {
	t.Helper()
	checks := []struct {
		name, sql string
		query     queryoracle.Query
	}{
		{"visits", `SELECT site_id, day::text, count(*) FROM visits GROUP BY 1, 2`,
			queryoracle.Query{Metrics: []string{"visits"}}},
		{"events", `SELECT site_id, day::text, total_events FROM daily_aggregates`,
			queryoracle.Query{Metrics: []string{"events"}}},
		{"visitors", `SELECT site_id, hour::date::text, count(DISTINCT visitor_id) FROM hourly_visitors
			WHERE dimension = 'event:name' GROUP BY 1, 2`,
			queryoracle.Query{Metrics: []string{"visitors"}, Filters: []queryoracle.Filter{{Op: "is_not", Dimension: "event:name", Clauses: []string{"-"}}}}},
	}
	for _, c := range checks {
		rows, err := pool.Query(context.Background(), c.sql)
		require.NoError(t, err)
		want := map[string]float64{}
		for rows.Next() {
			var site, day string
			var n int64
			require.NoError(t, rows.Scan(&site, &day, &n))
			want[site+" "+day] = float64(n)
		}
		require.NoError(t, rows.Err())
		got := map[string]float64{}
		for _, site := range data.Sites() {
			q := c.query
			q.SiteID, q.DateRange, q.Date, q.Dimensions = site, queryoracle.DateRange{Name: "all"}, "2026-01-31", []string{"time:day"}
			res, err := data.Answer(q)
			require.NoError(t, err)
			for _, r := range res.Rows {
				got[fmt.Sprintf("%s %s", site, r.Dimensions[0])] = r.Metrics[0].(float64)
			}
		}
		require.Equal(t, want, got, "%s per site and local day: projections (want) against the oracle", c.name)
	}
}

package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// Shape of the /stats data set: 100 sites with 10,000 distinct paths on each site-day.
const (
	statsSites        = 100
	statsPathsPerSite = 10000
)

// populateStats fills the projections as the processor would for n raw events (n/1M days of 100 sites
// with 10,000 paths each), straight with SQL: it is the data set the /stats figure is measured on, not a
// measure of the processor. It returns the days filled.
func populateStats(ctx context.Context, url string, n int) (int, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	days := max(1, n/(statsSites*statsPathsPerSite))
	steps := []string{
		`TRUNCATE events, daily_aggregates, daily_event_types, daily_path_views, daily_unique_users`,
		fmt.Sprintf(`INSERT INTO events (event_id, site_id, event_type, path, user_id, occurred_at)
		 SELECT 'stats-' || g, 'stats-site-' || (g %% %[1]d), CASE WHEN (g / %[1]d) %% 10 = 3 THEN 'click' ELSE 'page_view' END,
		        '/page/' || ((g / %[1]d) %% %[2]d), 'user-' || (g %% 20011),
		        timestamptz '2025-10-01 00:00:00+00' + ((g / (%[1]d * %[2]d)) * interval '1 day') + ((g %% 86400) * interval '1 second')
		 FROM generate_series(0, %[3]d - 1) AS g`, statsSites, statsPathsPerSite, days*statsSites*statsPathsPerSite),
		`INSERT INTO daily_path_views (site_id, day, path, views)
		 SELECT site_id, (occurred_at AT TIME ZONE 'UTC')::date, path, count(*) FROM events
		 WHERE event_type = 'page_view' GROUP BY 1, 2, 3`,
		`INSERT INTO daily_unique_users (site_id, day, user_id)
		 SELECT DISTINCT site_id, (occurred_at AT TIME ZONE 'UTC')::date, user_id FROM events WHERE user_id IS NOT NULL`,
		`INSERT INTO daily_event_types (site_id, day, event_type, events)
		 SELECT site_id, (occurred_at AT TIME ZONE 'UTC')::date, event_type, count(*) FROM events GROUP BY 1, 2, 3`,
		`INSERT INTO daily_aggregates (site_id, day, total_views, total_events, unique_users)
		 SELECT t.site_id, t.day, coalesce(sum(t.events) FILTER (WHERE t.event_type = 'page_view'), 0), sum(t.events),
		        (SELECT count(*) FROM daily_unique_users u WHERE u.site_id = t.site_id AND u.day = t.day)
		 FROM daily_event_types t GROUP BY 1, 2`,
		`ANALYZE`,
	}
	for _, step := range steps {
		if _, err := conn.Exec(ctx, step); err != nil {
			return 0, fmt.Errorf("populate stats data: %w", err)
		}
	}
	return days, nil
}

// statsURLs are /stats queries over every site and day of the data set, in an order that spreads them.
func statsURLs(base string, days int) []string {
	urls := make([]string, 0, statsSites*days)
	for i := range statsSites * days {
		day := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%days)
		urls = append(urls, fmt.Sprintf("%s/stats?site_id=stats-site-%d&date=%s", base, (i*37)%statsSites, day.Format(time.DateOnly)))
	}
	return urls
}

// measureStats loads /stats with conns connections for duration.
func measureStats(ctx context.Context, s *cluster.Stack, days, conns int, duration time.Duration) HTTPResult {
	return HTTPLoad{URLs: statsURLs(s.ReportingURL, days), Conns: conns, Duration: duration}.Run(ctx)
}

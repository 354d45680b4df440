package projections_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

// at parses an RFC 3339 time.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// page is a page view of user on site at ts.
func page(id, site, path, user, ts string) event.Event {
	return event.Event{EventID: id, SiteID: site, EventType: event.PageView, Path: path, UserID: user, Timestamp: at(ts)}
}

// visit is a stored visit, as the tests compare it.
type visit struct {
	Start, End               string
	Day                      string
	First, Last, Entry, Exit string
	Pageviews, Events        int64
	Source                   string
}

// visitsOf returns the site's visits of user ordered by start.
func visitsOf(t *testing.T, pool *pgxpool.Pool, site string) []visit {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT to_char(start_at AT TIME ZONE 'UTC', 'HH24:MI:SS'), to_char(end_at AT TIME ZONE 'UTC', 'HH24:MI:SS'),
		       day::text, first_event_id, last_event_id, entry_page, exit_page, pageviews, events, coalesce(source, '')
		FROM visits WHERE site_id = $1 ORDER BY visitor_id, start_at`, site)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (visit, error) {
		var v visit
		err := row.Scan(&v.Start, &v.End, &v.Day, &v.First, &v.Last, &v.Entry, &v.Exit, &v.Pageviews, &v.Events, &v.Source)
		return v, err
	})
	require.NoError(t, err)
	return got
}

// projectionRows returns every projection row of the database as text, sorted, table by table: what two
// databases holding the same projections agree on.
func projectionRows(t *testing.T, pool *pgxpool.Pool, site string) map[string][]string {
	t.Helper()
	queries := map[string]string{
		"daily_aggregates":   `SELECT concat_ws('|', day, total_views, total_events, unique_users) FROM daily_aggregates WHERE site_id = $1`,
		"daily_event_types":  `SELECT concat_ws('|', day, event_type, events) FROM daily_event_types WHERE site_id = $1`,
		"daily_path_views":   `SELECT concat_ws('|', day, path, views) FROM daily_path_views WHERE site_id = $1`,
		"daily_unique_users": `SELECT concat_ws('|', day, user_id) FROM daily_unique_users WHERE site_id = $1`,
		"hourly_visitors":    `SELECT concat_ws('|', hour, dimension, value, visitor_id, events, pageviews) FROM hourly_visitors WHERE site_id = $1`,
		"visits": `SELECT concat_ws('|', visitor_id, start_at, end_at, day, first_event_id, last_event_id, entry_page, exit_page,
			pageviews, events, hostname, source, referrer, utm_source, utm_medium, utm_campaign, utm_content, utm_term,
			browser, browser_version, os, os_version, device) FROM visits WHERE site_id = $1`,
	}
	out := map[string][]string{}
	for table, q := range queries {
		rows, err := pool.Query(context.Background(), `SELECT line FROM (`+q+`) AS r (line) ORDER BY line COLLATE "C"`, site)
		require.NoError(t, err, table)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err, table)
		out[table] = lines
	}
	return out
}

// register gives site a time zone.
func register(t *testing.T, pool *pgxpool.Pool, site, zone string) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `INSERT INTO sites (site_id, time_zone) VALUES ($1, $2)`, site, zone)
	require.NoError(t, err, fmt.Sprintf("register %s in %s", site, zone))
}

// localHours lists the site's 'event:page' rows of hourly_visitors as "hour|path".
func localHours(t *testing.T, pool *pgxpool.Pool, site string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT hour::text || '|' || value FROM hourly_visitors
		WHERE site_id = $1 AND dimension = 'event:page' ORDER BY 1`, site)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return got
}

// visitDays lists the site's visits as "day|entry|exit".
func visitDays(t *testing.T, pool *pgxpool.Pool, site string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT concat_ws('|', day, entry_page, exit_page) FROM visits
		WHERE site_id = $1 ORDER BY start_at`, site)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return got
}

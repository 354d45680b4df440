package bench

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// Shape of the query API's data set: querySites sites over queryDays days ending on queryLastDay, site k
// (1-based) getting a share of the events proportional to 1/k^queryZipfS. query-site-1 is the biggest.
const (
	querySites          = 100
	queryDays           = 90
	queryZipfS          = 1.0
	queryEventsPerVisit = 3.7 // the mean of the visit lengths the SQL below draws: 40 % one event, else 2–9
)

// queryLastDay is the data set's last day; the figures query the 30 days ending on it.
var queryLastDay = time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC)

// queryVisits returns how many visits each site gets for about n events in all: Zipf-distributed.
func queryVisits(n int) []int {
	weights := make([]float64, querySites)
	var sum float64
	for k := range weights {
		weights[k] = 1 / math.Pow(float64(k+1), queryZipfS)
		sum += weights[k]
	}
	visits := make([]int, querySites)
	for k, w := range weights {
		visits[k] = max(1, int(math.Round(float64(n)/queryEventsPerVisit*w/sum)))
	}
	return visits
}

// queryEventsSQL draws the raw events of every visit with set-based SQL, deterministically (hashint8 of
// the visit's site and number stands for randomness). A visit belongs to one of a site's visitors, a pool
// of a third as many as its visits, so that visitors return across the 90 days: 30 % of them carry a
// user_id (one visitor_id on every day), the others are cookieless (a new visitor_id each day, as
// ingestion's salts make them). A visit has one event (40 %) or 2–9 a few minutes apart; its first event
// is a page view carrying the referrer, its source and, for one visit in ten, UTM parameters; later ones
// are page views (80 %) or custom events with a "plan" property. Browser, OS and device are the visitor's.
// $1 and $2 are the sites' numbers and visits, $3 the first day, $4 the number of days.
const queryEventsSQL = `
INSERT INTO events (event_id, site_id, event_type, path, user_id, occurred_at, visitor_id, url, hostname, referrer,
                    source, utm_source, utm_medium, utm_campaign, browser, browser_version, os, os_version, device, props)
SELECT 'q-' || v.k || '-' || v.v || '-' || i, 'query-site-' || v.k, e.event_type, e.path,
       CASE WHEN v.known THEN 'user-' || v.vn END,
       v.start_at + i * v.gap,
       CASE WHEN v.known THEN v.k * 1000000000000 + v.vn ELSE v.k * 1000000000000 + 500000000000 + v.day * 100000000 + v.vn END,
       'https://site-' || v.k || '.example' || e.path, 'site-' || v.k || '.example',
       CASE WHEN i = 0 THEN s.referrer END, CASE WHEN i = 0 THEN s.source END,
       CASE WHEN i = 0 AND v.utm THEN 'newsletter' END, CASE WHEN i = 0 AND v.utm THEN 'email' END,
       CASE WHEN i = 0 AND v.utm THEN (ARRAY['spring-sale', 'launch', 'weekly'])[1 + v.h5 % 3] END,
       b.browser, b.version, b.os, b.os_version, b.device,
       CASE WHEN e.event_type <> 'page_view' THEN jsonb_build_object('plan', (ARRAY['free', 'pro', 'team'])[1 + v.h6 % 3]) END
FROM (
    SELECT site.k, g AS v, site.visits,
           abs(hashint8(site.k * 100000000 + g)::bigint) AS h1,
           abs(hashint8(site.k * 100000000 + g + 1000000000000)::bigint) AS h2,
           abs(hashint8(site.k * 100000000 + g + 2000000000000)::bigint) AS h3
    FROM unnest($1::bigint[], $2::bigint[]) AS site (k, visits), generate_series(0, site.visits - 1) AS g
) AS r
CROSS JOIN LATERAL (
    SELECT r.k, r.v, d.vn, abs(hashint8(d.vn)::bigint) AS hv, d.vn % 10 < 3 AS known, d.day, r.h1, r.h2, r.h2 % 10 = 0 AS utm, r.h2 % 997 AS h5,
           r.h3 % 991 AS h6, $3::timestamptz + d.day * interval '1 day' + (r.h1 % 86400) * interval '1 second' AS start_at,
           (20 + r.h2 % 240) * interval '1 second' AS gap,
           CASE WHEN r.h1 % 10 < 4 THEN 1 ELSE 2 + (r.h1 / 10) % 8 END AS events
    FROM (SELECT r.h3 % greatest(10, r.visits / 3) AS vn, (r.h2 / 1000) % $4::int AS day) AS d
) AS v
CROSS JOIN LATERAL (
    SELECT (ARRAY[NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Google', 'Google', 'Google', 'Google', 'Google', 'Google',
                  'Bing', 'DuckDuckGo', 'Twitter', 'Facebook', 'Reddit', 'GitHub'])[1 + v.h5 % 20] AS source
) AS src
CROSS JOIN LATERAL (
    SELECT src.source, CASE src.source WHEN 'Google' THEN 'https://www.google.com/' WHEN 'Bing' THEN 'https://www.bing.com/'
                WHEN 'DuckDuckGo' THEN 'https://duckduckgo.com/' WHEN 'Twitter' THEN 'https://t.co/'
                WHEN 'Facebook' THEN 'https://www.facebook.com/' WHEN 'Reddit' THEN 'https://www.reddit.com/'
                WHEN 'GitHub' THEN 'https://github.com/' END AS referrer
) AS s
CROSS JOIN LATERAL (
    SELECT (ARRAY['Chrome', 'Chrome', 'Chrome', 'Chrome', 'Chrome', 'Chrome', 'Safari', 'Safari', 'Firefox', 'Edge'])[1 + v.hv % 10] AS browser,
           (ARRAY['120.0', '121.0', '17.2', '122.0'])[1 + (v.hv / 100) % 4] AS version,
           (ARRAY['Windows', 'Windows', 'Windows', 'Mac', 'Mac', 'Android', 'Android', 'iOS', 'iOS', 'GNU/Linux'])[1 + (v.hv / 10) % 10] AS os,
           (ARRAY['10', '11', '14', '17'])[1 + (v.hv / 1000) % 4] AS os_version,
           (ARRAY['Desktop', 'Desktop', 'Desktop', 'Desktop', 'Desktop', 'Mobile', 'Mobile', 'Mobile', 'Mobile', 'Tablet'])[1 + (v.hv / 10) % 10] AS device
) AS b
CROSS JOIN LATERAL generate_series(0, v.events - 1) AS i
CROSS JOIN LATERAL (
    SELECT CASE WHEN i = 0 OR (v.h6 + i) % 5 <> 0 THEN 'page_view' ELSE (ARRAY['click', 'signup', 'download'])[1 + (v.h5 + i) % 3] END AS event_type,
           CASE WHEN (v.h1 / 7 + i * 13) % 5 = 0 THEN '/'
                ELSE '/' || (ARRAY['blog', 'docs', 'pricing', 'product', 'about'])[1 + (v.h2 / 3 + i) % 5] || '/' || (v.h1 / 11 + i * 7) % 40 END AS path
) AS e`

// populateQuery replaces every raw event and projection with the query figures' data set of about n raw
// events: the sites registered, public (answered without an API key) and in a few time zones, the raw
// events drawn by queryEventsSQL, and every projection filled by the project's own rebuild
// (rebuild_projections, migration 00009), not by the processor: it is the data set the figures read, not a
// measure of writing it. It returns the raw events stored.
func populateQuery(ctx context.Context, url string, n int, progress func(step string, took time.Duration)) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	visits := queryVisits(n)
	sites, counts := make([]int64, len(visits)), make([]int64, len(visits))
	for k, v := range visits {
		sites[k], counts[k] = int64(k+1), int64(v)
	}
	first := queryLastDay.AddDate(0, 0, 1-queryDays)
	steps := []struct {
		name string
		sql  string
		args []any
	}{
		{"truncate", `TRUNCATE events, daily_aggregates, daily_event_types, daily_path_views, daily_unique_users, visits, hourly_visitors, sites`, nil},
		{"sites", `INSERT INTO sites (site_id, time_zone, public)
		 SELECT 'query-site-' || k, (ARRAY['Europe/Berlin', 'UTC', 'America/New_York', 'Asia/Tokyo'])[1 + (k - 1) % 4], true
		 FROM generate_series(1, $1::int) AS k`, []any{querySites}},
		// This session's only: the rebuild's sorts and hashes of millions of rows stay in memory, and no
		// statement is compiled (JIT took 1.4 s of the 1.5 s of drawing 20k events, to save nothing).
		{"session settings", `SELECT set_config('work_mem', '256MB', false), set_config('jit', 'off', false)`, nil},
		{"raw events", queryEventsSQL, []any{sites, counts, first, queryDays}},
		{"rebuild_projections", `SELECT rebuild_projections(NULL, NULL, NULL)`, nil},
		{"analyze", `ANALYZE`, nil},
	}
	for _, step := range steps {
		began := time.Now()
		if _, err := conn.Exec(ctx, step.sql, step.args...); err != nil {
			return 0, fmt.Errorf("populate query data: %s: %w", step.name, err)
		}
		progress(step.name, time.Since(began))
	}
	var stored int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&stored); err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	return stored, nil
}

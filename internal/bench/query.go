package bench

import (
	"context"
	"fmt"
	"time"
)

// querySite is the site every query figure reads: the biggest of the Zipf-distributed data set, the
// worst case.
const querySite = "query-site-1"

// queryAloneDuration bounds how long each query is also measured on one connection, its cost without
// queueing.
const queryAloneDuration = 3 * time.Second

// queryFigure is one POST /api/v2/query the figures load, with its p99 target.
type queryFigure struct {
	Name   string
	Body   string
	Target time.Duration
}

// queryFigures are the four queries over the last 30 days of the data set on querySite.
func queryFigures() []queryFigure {
	rng := fmt.Sprintf(`["%s", "%s"]`, queryLastDay.AddDate(0, 0, -29).Format(time.DateOnly), queryLastDay.Format(time.DateOnly))
	body := func(rest string) string {
		return fmt.Sprintf(`{"site_id": %q, "date_range": %s, %s}`, querySite, rng, rest)
	}
	return []queryFigure{
		{"aggregate of all metrics", body(`"metrics": ["visitors", "visits", "pageviews", "views_per_visit", "bounce_rate", "visit_duration", "events"]`), 50 * time.Millisecond},
		{"time:day series of visitors and pageviews", body(`"metrics": ["visitors", "pageviews"], "dimensions": ["time:day"]`), 50 * time.Millisecond},
		{"event:page breakdown, limit 10", body(`"metrics": ["visitors", "pageviews"], "dimensions": ["event:page"], "pagination": {"limit": 10}`), 100 * time.Millisecond},
		{`event:page breakdown, limit 10, filtered on visit:source is "Google"`, body(`"metrics": ["visitors", "pageviews"], "dimensions": ["event:page"], "pagination": {"limit": 10}, "filters": [["is", "visit:source", ["Google"]]]`), 150 * time.Millisecond},
	}
}

// query measures POST /api/v2/query on the query figures' data set, one query at a time: on one
// connection for up to queryAloneDuration, then with cfg.QueryConns connections for cfg.Duration. The
// query API has no answer cache, so every request reads Postgres.
func (m *measurement) query(ctx context.Context) error {
	logf(m.cfg, "filling the raw events (about %d) and the projections of the query figures", m.cfg.QueryEvents)
	began := time.Now()
	stored, err := populateQuery(ctx, m.stack.Postgres.URL, m.cfg.QueryEvents, func(step string, took time.Duration) {
		logf(m.cfg, "  %s: %s", step, took.Round(time.Millisecond))
	})
	if err != nil {
		return err
	}
	filled := time.Since(began)
	logf(m.cfg, "%d raw events stored and projected in %s", stored, filled.Round(time.Second))
	if err := m.startReporting(); err != nil {
		return err
	}
	url := m.stack.ReportingURL + "/api/v2/query"
	for _, f := range queryFigures() {
		if err := checkQuery(ctx, url, f.Body); err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		load := func(conns int, duration time.Duration) HTTPResult {
			return HTTPLoad{URL: url, ContentType: "application/json", Bodies: [][]byte{[]byte(f.Body)},
				Conns: conns, Duration: duration}.Run(ctx)
		}
		logf(m.cfg, "POST /api/v2/query, %s: one connection, then %d, %s", f.Name, m.cfg.QueryConns, m.cfg.Duration)
		alone := load(1, min(m.cfg.Duration, queryAloneDuration))
		res := load(m.cfg.QueryConns, m.cfg.Duration)
		p99 := res.Percentile(0.99)
		m.add(Row{
			Figure: fmt.Sprintf("POST /api/v2/query, %s, 30 days of the biggest of %d sites (%s raw events in %d days, populated in %s), %d connections",
				f.Name, querySites, count(stored), queryDays, filled.Round(time.Second), m.cfg.QueryConns),
			Measured: fmt.Sprintf("p50 %s, p99 %s, max %s, %s (%d failed); one connection: p50 %s, %s",
				ms(res.Percentile(0.5)), ms(p99), ms(res.Percentile(1)), perSecond(res.PerSecond()), res.Failed,
				ms(alone.Percentile(0.5)), perSecond(alone.PerSecond())),
			Against: fmt.Sprintf("target p99 < %s; the seed's GET /stats: %s, 19 ms mean at 32 connections on 45k events", f.Target, perSecond(seedStatsPerSecond)),
			Ratio:   fmt.Sprintf("%.2f", float64(p99)/float64(f.Target)),
			Met:     p99 < f.Target && res.Failed == 0 && res.OK > 0,
		})
	}
	if err := m.dashboard(ctx, stored); err != nil {
		return err
	}
	if !m.cfg.QueryExplain {
		return nil
	}
	for _, f := range queryFigures() {
		if err := explainQuery(ctx, m.cfg, m.stack.Postgres.URL, f); err != nil {
			return fmt.Errorf("explain %s: %w", f.Name, err)
		}
	}
	return nil
}

// ms writes d in milliseconds with one decimal.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// count writes n with a metric suffix: 1.0M, 250k.
func count(n int64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

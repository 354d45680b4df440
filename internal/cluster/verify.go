package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/analytics-pipeline/analytics/event"
)

// Projection is what the processor's tables hold, summed up per key.
type Projection struct {
	Events     int64            // rows in events (the runs that read it never keep bots' events)
	Counted    int64            // sum of daily_aggregates.total_events
	Days       map[string]int64 // "site|day" → total_views
	Users      map[string]int64 // "site|day" → unique_users
	PathViews  map[string]int64 // "site|day|path" → views
	EventTypes map[string]int64 // "site|day|type" → events
}

// Expect computes the projection that exactly the given events, each counted once, produce. An event is
// its site and its event_id: the same id on two sites is two events.
func Expect(events []event.Event) Projection {
	p := newProjection()
	users := map[string]map[string]bool{}
	seen := map[[2]string]bool{}
	for _, e := range events {
		key := [2]string{e.SiteID, e.EventID}
		if seen[key] {
			continue
		}
		seen[key] = true
		day := e.SiteID + "|" + e.Timestamp.UTC().Format(time.DateOnly)
		p.Events++
		p.Counted++
		p.EventTypes[day+"|"+e.EventType]++
		if _, ok := p.Days[day]; !ok {
			p.Days[day] = 0
			p.Users[day] = 0
		}
		if e.EventType == event.PageView {
			p.Days[day]++
			p.PathViews[day+"|"+e.Path]++
		}
		if e.UserID != "" {
			if users[day] == nil {
				users[day] = map[string]bool{}
			}
			if !users[day][e.UserID] {
				users[day][e.UserID] = true
				p.Users[day]++
			}
		}
	}
	return p
}

func newProjection() Projection {
	return Projection{Days: map[string]int64{}, Users: map[string]int64{}, PathViews: map[string]int64{}, EventTypes: map[string]int64{}}
}

// ReadProjection reads the processor's tables from the database at url.
func ReadProjection(ctx context.Context, url string) (Projection, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return Projection{}, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	p := newProjection()
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&p.Events); err != nil {
		return Projection{}, fmt.Errorf("count events: %w", err)
	}
	queries := []struct {
		sql  string
		scan func(rows pgx.Rows) error
	}{
		{`SELECT site_id || '|' || day, total_views, unique_users, total_events FROM daily_aggregates`, func(rows pgx.Rows) error {
			var key string
			var views, users, events int64
			err := rows.Scan(&key, &views, &users, &events)
			p.Days[key], p.Users[key] = views, users
			p.Counted += events
			return err
		}},
		{`SELECT site_id || '|' || day || '|' || path, views FROM daily_path_views`, func(rows pgx.Rows) error {
			var key string
			var views int64
			err := rows.Scan(&key, &views)
			p.PathViews[key] = views
			return err
		}},
		{`SELECT site_id || '|' || day || '|' || event_type, events FROM daily_event_types`, func(rows pgx.Rows) error {
			var key string
			var n int64
			err := rows.Scan(&key, &n)
			p.EventTypes[key] = n
			return err
		}},
	}
	for _, q := range queries {
		rows, err := conn.Query(ctx, q.sql)
		if err != nil {
			return Projection{}, fmt.Errorf("read projection: %w", err)
		}
		for rows.Next() {
			if err := q.scan(rows); err != nil {
				rows.Close()
				return Projection{}, fmt.Errorf("read projection: %w", err)
			}
		}
		if err := rows.Err(); err != nil {
			return Projection{}, fmt.Errorf("read projection: %w", err)
		}
	}
	return p, nil
}

// WaitCounted polls the projections every interval until they count at least want events (the sum of
// daily_aggregates.total_events, committed in the same transaction as the raw events) and returns the
// count. A failed query (Postgres restarting) is retried on a new connection. It gives up when ctx ends
// or, when stall is positive, when the count has not moved for stall.
func WaitCounted(ctx context.Context, url string, want int64, interval, stall time.Duration) (int64, error) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	n, last, progressed := int64(0), int64(-1), time.Now()
	var lastErr error
	for {
		if conn == nil {
			conn, lastErr = pgx.Connect(ctx, url)
		}
		if conn != nil {
			if err := conn.QueryRow(ctx, `SELECT coalesce(sum(total_events), 0) FROM daily_aggregates`).Scan(&n); err != nil {
				lastErr = fmt.Errorf("count events: %w", err)
				conn.Close(ctx)
				conn = nil
			} else if lastErr = nil; n >= want {
				return n, nil
			}
		}
		if n != last {
			last, progressed = n, time.Now()
		} else if stall > 0 && time.Since(progressed) > stall {
			return n, fmt.Errorf("%d of %d events counted, none more for %s (last error: %v)", n, want, stall, lastErr)
		}
		select {
		case <-ctx.Done():
			return n, fmt.Errorf("%d of %d events counted (last error: %v): %w", n, want, lastErr, ctx.Err())
		case <-time.After(interval):
		}
	}
}

// ReadProjected returns how many events visits and hourly_visitors hold: the sum of visits.events and of
// the 'event:name' rows of hourly_visitors (every event has a name). Both equal Projection.Counted when
// each event was projected exactly once.
func ReadProjected(ctx context.Context, url string) (visits, hourly int64, err error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, 0, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	err = conn.QueryRow(ctx, `SELECT (SELECT coalesce(sum(events), 0) FROM visits),
		(SELECT coalesce(sum(events), 0) FROM hourly_visitors WHERE dimension = 'event:name')`).Scan(&visits, &hourly)
	if err != nil {
		return 0, 0, fmt.Errorf("read visits and hourly_visitors: %w", err)
	}
	return visits, hourly, nil
}

package processor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/event"
)

// ErrRejected means Postgres refused the data itself (a data exception or constraint violation):
// retrying the same events cannot succeed.
var ErrRejected = errors.New("rejected by postgres")

// Store writes events and their projections in Postgres.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

// applySQL inserts the events whose (site_id, event_id) is new and advances every counter from exactly
// those rows that are not bots' (is_bot), in one statement and so in one transaction. Inserts and upserts are ordered by key (the
// events in the order of their primary key's columns) so that concurrent writers take row locks in the
// same order and do not deadlock.
const applySQL = `
WITH incoming AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[])
        AS t(event_id, site_id, event_type, path, user_id, occurred_at, is_bot)
), inserted AS (
    INSERT INTO events (event_id, site_id, event_type, path, user_id, occurred_at, is_bot)
    SELECT event_id, site_id, event_type, path, NULLIF(user_id, ''), occurred_at, is_bot FROM incoming
    ORDER BY event_id, site_id
    ON CONFLICT (site_id, event_id) DO NOTHING
    RETURNING site_id, event_type, path, user_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, is_bot
), new_users AS (
    INSERT INTO daily_unique_users (site_id, day, user_id)
    SELECT DISTINCT site_id, day, user_id FROM inserted WHERE user_id IS NOT NULL AND NOT is_bot
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING site_id, day
), user_counts AS (
    SELECT site_id, day, count(*) AS users FROM new_users GROUP BY 1, 2
), day_counts AS (
    SELECT site_id, day, count(*) FILTER (WHERE event_type = 'page_view') AS views, count(*) AS events
    FROM inserted WHERE NOT is_bot GROUP BY 1, 2
), aggregates AS (
    INSERT INTO daily_aggregates AS a (site_id, day, total_views, total_events, unique_users)
    SELECT d.site_id, d.day, d.views, d.events, coalesce(u.users, 0)
    FROM day_counts d LEFT JOIN user_counts u USING (site_id, day)
    ORDER BY 1, 2
    ON CONFLICT (site_id, day) DO UPDATE SET
        total_views = a.total_views + EXCLUDED.total_views,
        total_events = a.total_events + EXCLUDED.total_events,
        unique_users = a.unique_users + EXCLUDED.unique_users
), types AS (
    INSERT INTO daily_event_types AS t (site_id, day, event_type, events)
    SELECT site_id, day, event_type, count(*) FROM inserted WHERE NOT is_bot GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, event_type) DO UPDATE SET events = t.events + EXCLUDED.events
), paths AS (
    INSERT INTO daily_path_views AS p (site_id, day, path, views)
    SELECT site_id, day, path, count(*) FROM inserted WHERE event_type = 'page_view' AND NOT is_bot
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, path) DO UPDATE SET views = p.views + EXCLUDED.views
)
SELECT count(*) FILTER (WHERE NOT is_bot) FROM inserted`

// Apply stores events and projects them, counting each event_id at most once ever per site: the same id
// sent by two sites is two events; a bot's event (Bot) is stored but counted in no projection. It
// returns how many events were new and projected: bots' events are not. Events must have distinct (site_id, event_id) pairs.
func (s *Store) Apply(ctx context.Context, events []event.Event) (int, error) {
	n := len(events)
	ids, sites, types, paths, users := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	times, bots := make([]time.Time, n), make([]bool, n)
	for i, e := range events {
		ids[i], sites[i], types[i], paths[i], users[i], times[i], bots[i] = e.EventID, e.SiteID, e.EventType, e.Path, e.UserID, e.Timestamp, e.Bot
	}
	var inserted int
	err := s.pool.QueryRow(ctx, applySQL, ids, sites, types, paths, users, times, bots).Scan(&inserted)
	if err != nil {
		return 0, fmt.Errorf("apply %d events: %w", n, classify(err))
	}
	return inserted, nil
}

// classify marks errors caused by the data (SQLSTATE classes 22 and 23) with ErrRejected.
func classify(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code[:2] == "22" || pgErr.Code[:2] == "23") {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return err
}

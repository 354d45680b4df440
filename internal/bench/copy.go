package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// copyTables are the tables the COPY ceiling is measured on: an indexed raw-events table as in the seed
// (primary key and a site/time index; what FACTS.md measured), and one shaped exactly like the pipeline's
// events table (primary key only).
var copyTables = map[string]string{
	"indexed": `CREATE TABLE copy_ceiling (LIKE events INCLUDING DEFAULTS, PRIMARY KEY (event_id));
		CREATE INDEX ON copy_ceiling (site_id, occurred_at)`,
	"events": `CREATE TABLE copy_ceiling (LIKE events INCLUDING ALL)`,
}

// copyCeiling COPYs n rows shaped like the benchmark's events into a fresh table of the given kind and
// returns the rows per second: the most Postgres can take in on this machine.
func copyCeiling(ctx context.Context, url, kind string, n int) (float64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS copy_ceiling; `+copyTables[kind]); err != nil {
		return 0, fmt.Errorf("create copy_ceiling: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS copy_ceiling`)

	i := 0
	rows := pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		e := generated(i)
		i++
		ts, _ := time.Parse(time.RFC3339, e.Timestamp)
		var user any
		if e.UserID != "" {
			user = e.UserID
		}
		return []any{uuid.Must(uuid.NewV7()).String(), e.SiteID, e.EventType, e.Path, user, ts, time.Now()}, nil
	})
	start := time.Now()
	copied, err := conn.CopyFrom(ctx, pgx.Identifier{"copy_ceiling"},
		[]string{"event_id", "site_id", "event_type", "path", "user_id", "occurred_at", "received_at"}, rows)
	if err != nil {
		return 0, fmt.Errorf("copy: %w", err)
	}
	return float64(copied) / time.Since(start).Seconds(), nil
}

package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Execer runs one statement: a *pgxpool.Pool, *pgxpool.Conn, *pgx.Conn or pgx.Tx.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// horizonSQL advances raw_events_horizon to $1 unless it is already later.
const horizonSQL = `
INSERT INTO raw_events_horizon (expired_before) VALUES ($1)
ON CONFLICT (only_row) DO UPDATE SET expired_before = greatest(raw_events_horizon.expired_before, EXCLUDED.expired_before)`

// RecordExpiry records that raw events that occurred before cutoff may be deleted from now on: Rebuild
// leaves the days they fell on alone. Whoever deletes raw events calls it, and commits it, first.
func RecordExpiry(ctx context.Context, db Execer, cutoff time.Time) error {
	if _, err := db.Exec(ctx, horizonSQL, cutoff); err != nil {
		return fmt.Errorf("record that raw events before %s expire: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	return nil
}

package processor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// RetentionLockKey is the Postgres advisory lock a retention run holds for its whole run, so that of the
// processors (and admin commands) running retention at once only one deletes.
const RetentionLockKey int64 = 0x616e616c72657465 // "analrete"

// retentionPause is the rest between two batches of a retention run, which leaves the disk and the
// write-ahead log to the processor's writes for a moment.
const retentionPause = 10 * time.Millisecond

// ErrRetentionBusy means another retention run holds RetentionLockKey; this one deleted nothing.
var ErrRetentionBusy = errors.New("another retention run is in progress")

// deleteBatchSQL deletes at most $2 raw events that occurred before $1 and sit after $3 in the table
// (a ctid), each batch its own statement and so its own short transaction. Raw events are only ever
// inserted, so the deleted rows hold no row lock the processor waits for, and the projections, which
// are never derived again from raw events, stay as they are. It returns how many it deleted and the last
// position it deleted from, where the next batch starts: a run reads the table once instead of
// stepping again over the rows it has deleted. "= ANY (ARRAY(...))" makes Postgres fetch the rows by
// ctid; "IN (SELECT ...)" may become a join that reads the whole table.
const deleteBatchSQL = `
WITH deleted AS (
    DELETE FROM events WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM events WHERE occurred_at < $1 AND ctid > $3 LIMIT $2
    ))
    RETURNING ctid
)
SELECT count(*), coalesce(max(ctid), $3) FROM deleted`

// Retention deletes raw events older than a maximum age from the events table, in bounded batches.
type Retention struct {
	pool      *pgxpool.Pool
	maxAge    time.Duration
	batchSize int
}

// NewRetention returns a retention that keeps raw events for maxAge (0 keeps them forever) and deletes
// at most batchSize per transaction.
func NewRetention(pool *pgxpool.Pool, maxAge time.Duration, batchSize int) *Retention {
	return &Retention{pool: pool, maxAge: maxAge, batchSize: max(batchSize, 1)}
}

// Run deletes the raw events that occurred before now minus the maximum age and returns how many it
// deleted. With a maximum age of 0 it deletes nothing. It returns ErrRetentionBusy at once when another
// run holds the lock, and on cancellation the count so far and ctx's error; what a batch deleted is
// committed.
func (r *Retention) Run(ctx context.Context, now time.Time) (int64, error) {
	if r.maxAge <= 0 {
		return 0, nil
	}
	cutoff := now.Add(-r.maxAge)
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("retention: acquire a connection: %w", err)
	}
	defer conn.Release()
	var locked bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", RetentionLockKey).Scan(&locked); err != nil {
		return 0, fmt.Errorf("retention: take the lock: %w", err)
	}
	if !locked {
		return 0, ErrRetentionBusy
	}
	defer func() {
		// A connection that cannot unlock is closed, which releases the lock with its session.
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", RetentionLockKey); err != nil {
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()

	var total int64
	after := pgtype.TID{BlockNumber: 0, OffsetNumber: 0, Valid: true}
	for {
		var n int64
		if err := conn.QueryRow(ctx, deleteBatchSQL, cutoff, r.batchSize, after).Scan(&n, &after); err != nil {
			return total, fmt.Errorf("retention: delete raw events before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
		}
		total += n
		if n < int64(r.batchSize) {
			return total, nil
		}
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(retentionPause):
		}
	}
}

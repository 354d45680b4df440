package processor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/projections"
)

// RetentionLockKey is the Postgres advisory lock a retention run holds for its whole run, so that of the
// processors (and admin commands) running retention at once only one deletes. Any constant would do; it
// differs from goose's migration lock.
const RetentionLockKey int64 = 7_011_304_561_390_233_001

// retentionPause is the rest between two batches of a retention run, which leaves the disk and the
// write-ahead log to the processor's writes for a moment.
const retentionPause = 10 * time.Millisecond

// retentionBatchTimeout bounds one batch where no statement_timeout does (the admin command's
// connections): a batch is not cancelled with the run (see deleteBatch).
const retentionBatchTimeout = time.Minute

// ErrRetentionBusy means another retention run holds RetentionLockKey; this one deleted nothing.
var ErrRetentionBusy = errors.New("another retention run is in progress")

// deleteBatchSQL deletes at most $2 raw events that occurred before $1 and sit in the table at ctids
// from $3 up to, not including, $4, as one statement and so one short transaction. It returns how many
// it deleted and the ctid of the last one. Raw events are only ever inserted, so a writer waits on a
// deleted row only when it inserts that very (site_id, event_id) again while the batch commits, and a
// DELETE's table lock does not conflict with INSERTs. The projections stay as they are; the run records its cutoff first
// (projections.RecordExpiry) so that a rebuild leaves the days it may have emptied alone. "= ANY (ARRAY(...))"
// makes Postgres fetch the rows by ctid, where "IN (SELECT ...)" may become a join that reads the whole
// table, and the ctid bounds make the inner scan a TID range scan of those blocks only.
const deleteBatchSQL = `
WITH deleted AS (
    DELETE FROM events WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM events WHERE occurred_at < $1 AND ctid >= $3 AND ctid < $4 LIMIT $2
    ))
    RETURNING ctid
)
SELECT count(*), coalesce(max(ctid), $3) FROM deleted`

// tableBlocksSQL is how many blocks the events table has.
const tableBlocksSQL = `SELECT pg_relation_size('events') / current_setting('block_size')::bigint`

// Retention deletes raw events older than a maximum age from the events table, in bounded batches.
type Retention struct {
	pool      *pgxpool.Pool
	maxAge    time.Duration
	batchSize int
}

// NewRetention returns a retention that keeps raw events for maxAge (0 keeps them forever) and, in each
// transaction, deletes at most batchSize raw events and reads at most batchSize blocks of the table.
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
	// Not cancelled with ctx: a lock taken by a statement the client gave up on would stay with the
	// connection in the pool.
	lockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), retentionBatchTimeout)
	defer cancel()
	if err := conn.QueryRow(lockCtx, "SELECT pg_try_advisory_lock($1)", RetentionLockKey).Scan(&locked); err != nil {
		conn.Conn().Close(lockCtx)
		return 0, fmt.Errorf("retention: take the lock: %w", err)
	}
	if !locked {
		return 0, ErrRetentionBusy
	}
	defer func() {
		// A connection that cannot unlock is closed, which releases the lock with its session.
		unlockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(unlockCtx, "SELECT pg_advisory_unlock($1)", RetentionLockKey); err != nil {
			conn.Conn().Close(unlockCtx)
		}
	}()

	// Not cancelled with ctx either, like the batches: a statement cancelled from the client makes pgx close
	// the connection, and the server may still hold the session's lock a moment later, so that the next
	// run finds it taken. A cancelled run stops right after them instead.
	startCtx, cancelStart := context.WithTimeout(context.WithoutCancel(ctx), retentionBatchTimeout)
	defer cancelStart()
	if err := projections.RecordExpiry(startCtx, conn, cutoff); err != nil {
		return 0, fmt.Errorf("retention: %w", err)
	}
	var blocks int64
	if err := conn.QueryRow(startCtx, tableBlocksSQL).Scan(&blocks); err != nil {
		return 0, fmt.Errorf("retention: size of the events table: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	// The table is walked once, from its first block to the last it had when the run began, each
	// statement reading a window of at most batchSize blocks; a full batch continues after its last row.
	// Rows added later are newer; the next run sees any old event that arrived meanwhile.
	window := uint32(r.batchSize)
	var total int64
	from := pgtype.TID{Valid: true}
	for int64(from.BlockNumber) < blocks {
		to := pgtype.TID{BlockNumber: from.BlockNumber + window, Valid: true}
		n, last, err := r.deleteBatch(ctx, conn, cutoff, from, to)
		if err != nil {
			return total, err
		}
		total += n
		from = to
		if n == int64(r.batchSize) {
			from = pgtype.TID{BlockNumber: last.BlockNumber, OffsetNumber: last.OffsetNumber + 1, Valid: true}
		}
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(retentionPause):
		}
	}
	return total, nil
}

// deleteBatch runs one batch, to its end even when ctx is cancelled meanwhile: a statement cancelled from
// the client may still have committed, and the run would then report fewer rows than it deleted. A run
// is cancelled between batches instead, at most one short batch later.
func (r *Retention) deleteBatch(ctx context.Context, conn *pgxpool.Conn, cutoff time.Time, from, to pgtype.TID) (int64, pgtype.TID, error) {
	batchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), retentionBatchTimeout)
	defer cancel()
	var n int64
	var last pgtype.TID
	if err := conn.QueryRow(batchCtx, deleteBatchSQL, cutoff, r.batchSize, from, to).Scan(&n, &last); err != nil {
		return 0, last, fmt.Errorf("retention: delete raw events before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	return n, last, nil
}

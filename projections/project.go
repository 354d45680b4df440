package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ProjectorLockNamespace is the first key of the transaction-level advisory lock
// pg_advisory_xact_lock(ProjectorLockNamespace, 0) that lets one projector work at a time: Project takes
// it for each chunk, and Rebuild for each site, before its stripe. Holding it, a transaction is the only
// writer of visits and hourly_visitors.
const ProjectorLockNamespace int32 = 0x71756575 // "queu"

// projectorLockSQL waits for the projector lock and holds it until the transaction ends.
const projectorLockSQL = `SELECT pg_advisory_xact_lock($1, 0)`

// Project takes up to limit events off the projection queue, which Apply fills with the new events it
// counts, and advances visits and hourly_visitors from them, in one transaction under the projector lock
// (it waits while another projector or a rebuild holds it). It returns how many events it projected:
// fewer than limit when it emptied the queue as far as its snapshot saw it. The events are taken in no
// particular order; the projections end up the same whatever the order and the chunking.
func Project(ctx context.Context, pool *pgxpool.Pool, limit int) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, projectorLockSQL, ProjectorLockNamespace); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var err error
		n, err = project(ctx, tx, limit, nil)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("project: %w", err)
	}
	return n, nil
}

// Drain projects chunks of limit queued events (Project) until a chunk finds fewer, and returns how many
// it projected: everything queued by writes committed before it started is then projected.
func Drain(ctx context.Context, pool *pgxpool.Pool, limit int) (int, error) {
	total := 0
	for {
		n, err := Project(ctx, pool, limit)
		total += n
		if err != nil || n < limit {
			return total, err
		}
	}
}

// project runs projectSQL in tx, which holds the projector lock: up to limit events (nil: all) of site
// (nil: every site).
func project(ctx context.Context, tx pgx.Tx, limit, site any) (int, error) {
	var n int
	if err := tx.QueryRow(ctx, projectSQL, limit, site).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

package processor

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/projections"
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

// Apply stores events and projects them (projections.Apply), counting each event_id at most once ever per
// site: the same id sent by two sites is two events; a bot's event (Bot) is stored but counted in no
// projection. It returns how many events were new and projected: bots' events are not. An error caused by
// the data itself matches ErrRejected.
func (s *Store) Apply(ctx context.Context, events []event.Event) (int, error) {
	n, err := projections.Apply(ctx, s.pool, events)
	if err != nil {
		return 0, classify(err)
	}
	return n, nil
}

// classify marks errors caused by the data with ErrRejected: SQLSTATE classes 22 (data exception), 23
// (constraint violation) and 54 (a program limit, such as a value too large for an index entry).
func classify(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code[:2] == "22" || pgErr.Code[:2] == "23" || pgErr.Code[:2] == "54") {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return err
}

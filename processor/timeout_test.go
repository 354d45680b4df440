package processor_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// TestApplyEndedByStatementTimeoutIsTransient blocks the write behind a lock until Postgres's
// statement_timeout ends it: that says nothing about the data, so it must not be taken for a rejection
// (which would poison the message) but retried.
func TestApplyEndedByStatementTimeoutIsTransient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testenv.DatabaseURL(t)
	pool, err := database.Open(ctx, database.WithStatementTimeout(url, 200*time.Millisecond), 2)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	locker, err := database.Open(ctx, url, 1)
	require.NoError(t, err)
	t.Cleanup(locker.Close)
	tx, err := locker.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(ctx) })
	_, err = tx.Exec(ctx, `LOCK TABLE events IN ACCESS EXCLUSIVE MODE`)
	require.NoError(t, err)

	_, err = processor.NewStore(pool).Apply(ctx, []event.Event{ev("1", "s", event.PageView, "/", "", "2025-11-12T10:00:00Z")})
	var pgErr *pgconn.PgError
	require.True(t, errors.As(err, &pgErr), "got %v", err)
	require.Equal(t, "57014", pgErr.Code, "query_canceled by statement_timeout")
	require.NotErrorIs(t, err, processor.ErrRejected)
}

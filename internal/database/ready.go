package database

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sethvargo/go-retry"
)

// OpenReady opens the pool on url, waiting with backoff while Postgres is not reachable yet (not
// listening, its name not resolving yet, starting up or shutting down) until ctx ends, so that a service
// may start before its database. An error that waiting cannot cure (a malformed url, credentials or a
// database Postgres rejects) returns at once, matches ErrNotRetryable and names DATABASE_URL.
func OpenReady(ctx context.Context, url string, maxConns int32, log *slog.Logger) (*pgxpool.Pool, error) {
	where, err := describe(url)
	if err != nil {
		return nil, err
	}
	backoff := retry.WithCappedDuration(5*time.Second, retry.NewExponential(100*time.Millisecond))
	var last error
	pool, err := retry.DoValue(ctx, backoff, func(ctx context.Context) (*pgxpool.Pool, error) {
		pool, err := Open(ctx, url, maxConns)
		switch {
		case err == nil:
			return pool, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case !reachableLater(err):
			return nil, explain(where, err)
		}
		last = err
		log.Warn("postgres not reachable yet; retrying", "database_url", where, "err", err)
		return nil, retry.RetryableError(err)
	})
	if err != nil && ctx.Err() != nil && last != nil {
		return nil, fmt.Errorf("postgres at DATABASE_URL=%s never became reachable (last: %v): %w", where, last, err)
	}
	return pool, err
}

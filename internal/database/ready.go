package database

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sethvargo/go-retry"

	"github.com/analytics-pipeline/analytics/migrations"
)

// OpenMigrated opens the pool and applies the migrations, retrying with backoff while Postgres does not
// answer (it may be starting, or restarting), until ctx ends. Services start in any order this way.
func OpenMigrated(ctx context.Context, url string, maxConns int32, log *slog.Logger) (*pgxpool.Pool, error) {
	backoff := retry.WithCappedDuration(5*time.Second, retry.NewExponential(100*time.Millisecond))
	return retry.DoValue(ctx, backoff, func(ctx context.Context) (*pgxpool.Pool, error) {
		pool, err := Open(ctx, url, maxConns)
		if err == nil {
			err = migrations.Apply(ctx, pool)
			if err == nil {
				return pool, nil
			}
			pool.Close()
		}
		log.Warn("postgres not ready; retrying", "err", err)
		return nil, retry.RetryableError(err)
	})
}

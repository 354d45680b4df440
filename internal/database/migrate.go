package database

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sethvargo/go-retry"

	"github.com/analytics-pipeline/analytics/migrations"
)

// Migrate waits for Postgres at url as OpenReady does and applies the migrations this build embeds. When
// the connection is lost half-way (Postgres restarting), it waits and starts again: each migration runs
// in its own transaction, so the next attempt applies exactly the ones that did not commit. A failing
// migration matches ErrNotRetryable: it fails the same way on every attempt until the database or the
// migration is fixed.
func Migrate(ctx context.Context, url string, log *slog.Logger) error {
	backoff := retry.WithCappedDuration(5*time.Second, retry.NewExponential(100*time.Millisecond))
	return retry.Do(ctx, backoff, func(ctx context.Context) error {
		err := migrate(ctx, url, log)
		if err != nil && ctx.Err() == nil && reachableLater(err) {
			log.Warn("postgres went away while migrating; retrying", "err", err)
			return retry.RetryableError(err)
		}
		return err
	})
}

func migrate(ctx context.Context, url string, log *slog.Logger) error {
	pool, err := OpenReady(ctx, url, 2, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := migrations.Apply(ctx, pool); err != nil {
		if ctx.Err() != nil || reachableLater(err) {
			return err
		}
		where, _ := describe(url)
		return &notRetryable{msg: fmt.Sprintf("DATABASE_URL=%s: %v", where, err), cause: err}
	}
	log.Info("database schema is current", "schema_version", migrations.Latest())
	return nil
}

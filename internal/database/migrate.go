package database

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sethvargo/go-retry"

	"github.com/analytics-pipeline/analytics/migrations"
)

// Step is a change to the schema that a versioned migration cannot make because it depends on
// configuration, such as the poison table named after POISON_TOPIC. A step must be idempotent.
type Step func(ctx context.Context, pool *pgxpool.Pool) error

// Migrate waits for Postgres at url as OpenReady does, applies the migrations this build embeds and then
// runs steps in order. When the connection is lost half-way (Postgres restarting), it waits and starts
// again: each migration runs in its own transaction, so the next attempt applies exactly the ones that
// did not commit, and the steps run again. A failing migration or step matches ErrNotRetryable: it fails
// the same way on every attempt until the database or the migration is fixed.
func Migrate(ctx context.Context, url string, log *slog.Logger, steps ...Step) error {
	backoff := retry.WithCappedDuration(5*time.Second, retry.NewExponential(100*time.Millisecond))
	return retry.Do(ctx, backoff, func(ctx context.Context) error {
		err := migrate(ctx, url, log, steps)
		if err != nil && ctx.Err() == nil && reachableLater(err) {
			log.Warn("postgres went away while migrating; retrying", "err", err)
			return retry.RetryableError(err)
		}
		return err
	})
}

func migrate(ctx context.Context, url string, log *slog.Logger, steps []Step) error {
	pool, err := OpenReady(ctx, url, 2, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	err = migrations.Apply(ctx, pool)
	for _, step := range steps {
		if err != nil {
			break
		}
		err = step(ctx, pool)
	}
	if err != nil {
		if ctx.Err() != nil || reachableLater(err) {
			return err
		}
		where, _ := describe(url)
		return &notRetryable{msg: fmt.Sprintf("DATABASE_URL=%s: %v", where, err), cause: err}
	}
	log.Info("database schema is current", "schema_version", migrations.Latest())
	return nil
}

package database

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/analytics-pipeline/analytics/migrations"
)

// Migrate waits for Postgres at url as OpenReady does and applies the migrations this build embeds. A
// failing migration matches ErrNotRetryable: it fails the same way on every attempt until the database
// or the migration is fixed.
func Migrate(ctx context.Context, url string, log *slog.Logger) error {
	pool, err := OpenReady(ctx, url, 2, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := migrations.Apply(ctx, pool); err != nil {
		if ctx.Err() != nil {
			return err
		}
		where, _ := describe(url)
		return &notRetryable{msg: fmt.Sprintf("DATABASE_URL=%s: %v", where, err), cause: err}
	}
	log.Info("database schema is current", "schema_version", migrations.Latest())
	return nil
}

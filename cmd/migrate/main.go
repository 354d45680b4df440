// Command migrate applies the embedded schema migrations to DATABASE_URL and exits: the one place where
// the schema changes (the all-in-one binary calls the same code). It waits while Postgres is not
// reachable yet, and exits 1 at once when DATABASE_URL is wrong or a migration fails.
package main

import (
	"context"
	"log/slog"

	"github.com/analytics-pipeline/analytics/internal/cli"
	"github.com/analytics-pipeline/analytics/internal/database"
)

// config is what migrate reads from the environment.
type config struct {
	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable"`
}

func main() {
	cli.Main("migrate", func(ctx context.Context, cfg config, log *slog.Logger) error {
		return database.Migrate(ctx, cfg.DatabaseURL, log)
	})
}

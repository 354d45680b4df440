// Command migrate applies the embedded schema migrations to DATABASE_URL and creates the poison table of
// POISON_TOPIC, then exits: the one place where the schema changes (the all-in-one binary calls the same
// code). It waits while Postgres is not reachable yet, and exits 1 at once when DATABASE_URL is wrong or
// a migration fails.
package main

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/cli"
	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/messaging"
)

// config is what migrate reads from the environment: POISON_TOPIC with the processor's name and
// default, since the processor checks that its table exists.
type config struct {
	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable"`
	messaging.PoisonConfig
}

func main() {
	cli.Main("migrate", func(ctx context.Context, cfg config, log *slog.Logger) error {
		return database.Migrate(ctx, cfg.DatabaseURL, log, func(ctx context.Context, pool *pgxpool.Pool) error {
			return messaging.CreatePoisonTable(ctx, pool, cfg.PoisonTopic)
		})
	})
}

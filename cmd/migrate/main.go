// Command migrate applies the embedded schema migrations to DATABASE_URL and exits.
package main

import (
	"context"
	"log/slog"

	"github.com/analytics-pipeline/analytics/internal/cli"
	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/migrations"
)

// config is what migrate reads from the environment.
type config struct {
	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable"`
}

func main() {
	cli.Main("migrate", func(ctx context.Context, cfg config, log *slog.Logger) error {
		pool, err := database.Open(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return err
		}
		defer pool.Close()
		if err := migrations.Apply(ctx, pool); err != nil {
			return err
		}
		log.Info("migrations applied")
		return nil
	})
}

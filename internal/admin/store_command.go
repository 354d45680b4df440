package admin

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/database"
)

// storeCommand returns a Command that runs f with the store newStore makes on the configured database:
// the sites, API keys and sources commands.
func storeCommand[S any](newStore func(*pgxpool.Pool) S, f func(ctx context.Context, store S, log *slog.Logger) error) *Command {
	return &Command{run: func(ctx context.Context, cfg Config, log *slog.Logger) error {
		pool, err := database.Open(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return err
		}
		defer pool.Close()
		return f(ctx, newStore(pool), log)
	}}
}

package admin

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"

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

// parseRevokeID reads the arguments of command name (`keys revoke ID`, `sources revoke ID`): no flags, one
// positive integer ID.
func parseRevokeID(name string, args []string) (int64, error) {
	rest, err := parseFlags(flag.NewFlagSet(name, flag.ContinueOnError), args)
	if err != nil {
		return 0, err
	}
	if len(rest) != 1 {
		return 0, fmt.Errorf("%w: %s takes one ID", ErrUsage, name)
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: %s: ID must be a positive integer, not %q", ErrUsage, name, rest[0])
	}
	return id, nil
}

// parseStoreList reads `NAME [-json]`, a command that prints what list reads from its store (plural names the
// items): one JSON object per item (one) and line with -json, else table's aligned columns.
func parseStoreList[S, T any](name, one, plural string, args []string, out io.Writer, newStore func(*pgxpool.Pool) S,
	list func(S, context.Context) ([]T, error), table func(io.Writer, []T) error) (*Command, error) {
	asJSON, err := parseJSONFlag(name, "print one JSON object per "+one+" and line", args)
	if err != nil {
		return nil, err
	}
	return storeCommand(newStore, func(ctx context.Context, store S, _ *slog.Logger) error {
		items, err := list(store, ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSONLines(out, items, plural)
		}
		return table(out, items)
	}), nil
}

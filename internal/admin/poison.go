package admin

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/messaging"
)

func parseList(args []string, out io.Writer) (*Command, error) {
	fs := flag.NewFlagSet("poison list", flag.ContinueOnError)
	limit := fs.Int("limit", 100, "most messages to list; 0 lists all")
	asJSON := fs.Bool("json", false, "one JSON object per line instead of a table")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 || *limit < 0 {
		return nil, fmt.Errorf("%w: poison list takes only -limit N (N >= 0) and -json", ErrUsage)
	}
	return withQueue(func(ctx context.Context, queue *messaging.PoisonQueue, _ Config, _ *slog.Logger) error {
		entries, err := queue.List(ctx, *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			shown := make([]entryJSON, len(entries))
			for i, entry := range entries {
				shown[i] = toEntryJSON(entry)
			}
			return writeJSONLines(out, shown, "entries")
		}
		return writeTable(out, entries)
	}), nil
}

func parseShow(args []string, out io.Writer) (*Command, error) {
	rest, err := parseFlags(flag.NewFlagSet("poison show", flag.ContinueOnError), args)
	if err != nil {
		return nil, err
	}
	if len(rest) != 1 {
		return nil, fmt.Errorf("%w: poison show takes one OFFSET", ErrUsage)
	}
	offset, err := parseOffset("poison show", rest[0])
	if err != nil {
		return nil, err
	}
	return withQueue(func(ctx context.Context, queue *messaging.PoisonQueue, _ Config, _ *slog.Logger) error {
		entry, err := queue.Get(ctx, offset)
		if err != nil {
			return err
		}
		return writeJSON(out, entry)
	}), nil
}

func parseReplay(args []string, out io.Writer) (*Command, error) {
	all, offset, err := parseTarget("poison replay", args)
	if err != nil {
		return nil, err
	}
	return withQueue(func(ctx context.Context, queue *messaging.PoisonQueue, cfg Config, log *slog.Logger) error {
		broker, err := messaging.NewBroker(cfg.Messaging, log)
		if err != nil {
			return err
		}
		defer broker.Close()
		if err := broker.Ready(ctx); err != nil {
			return err
		}
		pub := broker.Publisher()
		if all {
			n, err := queue.ReplayAll(ctx, pub)
			log.Info("replayed poisoned messages", "count", n)
			if err != nil {
				return fmt.Errorf("after replaying %d messages: %w", n, err)
			}
			_, err = fmt.Fprintf(out, "replayed %d messages\n", n)
			return err
		}
		entry, err := queue.Replay(ctx, pub, offset)
		if err != nil {
			return err
		}
		log.Info("replayed poisoned message", "offset", offset, "uuid", entry.UUID, "topic", entry.Topic)
		_, err = fmt.Fprintf(out, "replayed offset %d (message %s) to %s\n", offset, entry.UUID, entry.Topic)
		return err
	}), nil
}

func parsePurge(args []string, out io.Writer) (*Command, error) {
	all, offset, err := parseTarget("poison purge", args)
	if err != nil {
		return nil, err
	}
	return withQueue(func(ctx context.Context, queue *messaging.PoisonQueue, _ Config, log *slog.Logger) error {
		if all {
			n, err := queue.PurgeAll(ctx)
			if err != nil {
				return err
			}
			log.Info("purged poisoned messages", "count", n)
			_, err = fmt.Fprintf(out, "purged %d messages\n", n)
			return err
		}
		if err := queue.Purge(ctx, offset); err != nil {
			return err
		}
		log.Info("purged poisoned message", "offset", offset)
		_, err := fmt.Fprintf(out, "purged offset %d\n", offset)
		return err
	}), nil
}

// withQueue makes a command that opens the poison queue in Postgres, runs use and closes it again.
func withQueue(use func(ctx context.Context, queue *messaging.PoisonQueue, cfg Config, log *slog.Logger) error) *Command {
	return &Command{run: func(ctx context.Context, cfg Config, log *slog.Logger) error {
		pool, err := database.Open(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return err
		}
		defer pool.Close()
		queue, err := messaging.NewPoisonQueue(pool, cfg.Messaging.PoisonTopic)
		if err != nil {
			return err
		}
		return use(ctx, queue, cfg, log)
	}}
}

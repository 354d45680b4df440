package admin

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/processor"
)

// parseExpire reads `events expire -older-than D [-batch-size N]`: a one-off raw-event retention run,
// the same as a processor's RAW_EVENTS_RETENTION runs, and safe beside them (one run deletes at a time).
func parseExpire(args []string, out io.Writer) (*Command, error) {
	fs := flag.NewFlagSet("events expire", flag.ContinueOnError)
	olderThan := fs.Duration("older-than", 0, "delete raw events that occurred longer ago than this")
	batchSize := fs.Int("batch-size", 5000, "most raw events deleted, and blocks read, per transaction")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 || *olderThan <= 0 || *batchSize < 1 {
		return nil, fmt.Errorf("%w: events expire takes -older-than DURATION (positive) and -batch-size N (N >= 1)", ErrUsage)
	}
	return &Command{run: func(ctx context.Context, cfg Config, log *slog.Logger) error {
		pool, err := database.Open(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return err
		}
		defer pool.Close()
		now := time.Now()
		deleted, err := processor.NewRetention(pool, *olderThan, *batchSize).Run(ctx, now)
		cutoff := now.Add(-*olderThan).UTC().Format(time.RFC3339)
		log.Info("expired raw events", "deleted", deleted, "cutoff", cutoff)
		if err != nil {
			return fmt.Errorf("after deleting %d raw events: %w", deleted, err)
		}
		_, err = fmt.Fprintf(out, "deleted %d raw events that occurred before %s\n", deleted, cutoff)
		return err
	}}, nil
}

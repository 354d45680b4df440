package admin

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/projections"
)

// parseRebuild reads `rebuild [-site SITE_ID] [-from DAY] [-to DAY]`: recompute the projections from the
// raw events (projections.Rebuild) while the pipeline runs, printing a line per site.
func parseRebuild(args []string, out io.Writer) (*Command, error) {
	fs := flag.NewFlagSet("rebuild", flag.ContinueOnError)
	site := fs.String("site", "", "the one site to rebuild (default: every site)")
	from := fs.String("from", "", "first local day to rebuild, YYYY-MM-DD (default: the first)")
	to := fs.String("to", "", "last local day to rebuild, YYYY-MM-DD (default: the last)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	opts := projections.RebuildOptions{SiteID: *site}
	if opts.From, err = parseDay("-from", *from); err != nil {
		return nil, err
	}
	if opts.To, err = parseDay("-to", *to); err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%w: rebuild takes only -site, -from and -to", ErrUsage)
	}
	if !opts.From.IsZero() && !opts.To.IsZero() && opts.To.Before(opts.From) {
		return nil, fmt.Errorf("%w: rebuild: -to is before -from", ErrUsage)
	}
	return &Command{run: func(ctx context.Context, cfg Config, log *slog.Logger) error {
		pool, err := database.Open(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return err
		}
		defer pool.Close()
		var events int64
		var printErr error
		opts.Progress = func(p projections.Progress) {
			events += p.Events
			log.Info("rebuilt site", "site_id", p.SiteID, "events", p.Events, "done", p.Done, "sites", p.Sites)
			line := fmt.Sprintf("[%d/%d] %s: %d raw events\n", p.Done, p.Sites, p.SiteID, p.Events)
			if !p.KeptFrom.IsZero() {
				line = fmt.Sprintf("[%d/%d] %s: %d raw events; days before %s left as they were (raw events expired)\n",
					p.Done, p.Sites, p.SiteID, p.Events, p.KeptFrom.Format(time.DateOnly))
			}
			if _, err := io.WriteString(out, line); err != nil && printErr == nil {
				printErr = err
			}
		}
		if err := projections.Rebuild(ctx, pool, opts); err != nil {
			return err
		}
		if printErr != nil {
			return printErr
		}
		_, err = fmt.Fprintf(out, "rebuilt the projections from %d raw events\n", events)
		return err
	}}, nil
}

// parseDay reads a YYYY-MM-DD flag value; empty is the zero time.
func parseDay(name, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	day, err := time.Parse(time.DateOnly, value)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: rebuild %s %q: want YYYY-MM-DD", ErrUsage, name, value)
	}
	return day, nil
}

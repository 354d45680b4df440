package admin

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

// RebuildSite recomputes every projection of one site from its raw events, writing progress lines to
// out: what `sites update -time-zone` runs once the new zone is committed, so that the site's days are
// counted in it. cmd/admin supplies it (WithSiteRebuild).
type RebuildSite func(ctx context.Context, pool *pgxpool.Pool, siteID string, out io.Writer) error

// Option changes the commands Parse builds.
type Option func(*options)

type options struct {
	rebuildSite RebuildSite
}

// WithSiteRebuild makes `sites update -time-zone` rebuild the site's projections with f. Without it the
// command only commits the zone and says that the projections keep the old zone's days.
func WithSiteRebuild(f RebuildSite) Option {
	return func(o *options) { o.rebuildSite = f }
}

// parseSitesUpdate reads `sites update -time-zone ZONE SITE_ID`.
func parseSitesUpdate(args []string, out io.Writer, opts options) (*Command, error) {
	fs := flag.NewFlagSet("sites update", flag.ContinueOnError)
	zone := fs.String("time-zone", "", "the site's new IANA time zone")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	id, err := parseSiteID(fs.Name(), rest)
	if err != nil {
		return nil, err
	}
	if *zone == "" {
		return nil, fmt.Errorf("%w: sites update takes -time-zone ZONE", ErrUsage)
	}
	return &Command{run: func(ctx context.Context, cfg Config, log *slog.Logger) error {
		pool, err := database.Open(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return err
		}
		defer pool.Close()
		store := sites.NewStore(pool)
		before, err := store.Get(ctx, id)
		if err != nil {
			return err
		}
		if before.TimeZone == *zone {
			return printf(out, "site %s is already in time zone %s; nothing changed\n", id, *zone)
		}
		site, err := store.SetTimeZone(ctx, id, *zone)
		if err != nil {
			return err
		}
		log.Info("site's time zone changed", "site_id", id, "from", before.TimeZone, "to", site.TimeZone)
		if err := printf(out, "site %s is now in time zone %s (was %s)\n", id, site.TimeZone, before.TimeZone); err != nil {
			return err
		}
		return rebuildInNewZone(ctx, pool, opts, id, before.TimeZone, out)
	}}, nil
}

// rebuildInNewZone rebuilds site's projections after its zone changed from old, with the rebuild cmd/admin
// supplied.
func rebuildInNewZone(ctx context.Context, pool *pgxpool.Pool, opts options, id, old string, out io.Writer) error {
	if opts.rebuildSite == nil {
		return printf(out, "its projections still count days in %s: this build does not rebuild them\n", old)
	}
	if err := opts.rebuildSite(ctx, pool, id, out); err != nil {
		return fmt.Errorf("the zone is changed, but rebuilding site %s's projections failed (run the rebuild again): %w", id, err)
	}
	return nil
}

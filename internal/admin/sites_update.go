package admin

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"

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

// parseSitesUpdate reads `sites update [-time-zone ZONE] [-public | -private] [-allowed-origins LIST]
// SITE_ID`. A new zone is committed first (nothing changes when it is refused), then the public flag and
// the allowed origins, then the site's projections are rebuilt in the new zone; the public flag and the
// origins alone rebuild nothing, since no projection depends on them.
func parseSitesUpdate(args []string, out io.Writer, opts options) (*Command, error) {
	fs := flag.NewFlagSet("sites update", flag.ContinueOnError)
	zone := fs.String("time-zone", "", "the site's new IANA time zone")
	public := fs.Bool("public", false, "answer the site's statistics without an API key")
	private := fs.Bool("private", false, "answer the site's statistics only with an API key (the default)")
	originList := fs.String("allowed-origins", "", "comma-separated origins whose browsers may send the site's events; empty: any (the default)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	id, err := parseSiteID(fs.Name(), rest)
	if err != nil {
		return nil, err
	}
	origins, setOrigins, err := parseOriginsFlag(fs, *originList)
	if err != nil {
		return nil, err
	}
	switch {
	case *public && *private:
		return nil, fmt.Errorf("%w: sites update takes -public or -private, not both", ErrUsage)
	case *zone == "" && !*public && !*private && !setOrigins:
		return nil, fmt.Errorf("%w: sites update takes -time-zone ZONE, -public, -private or -allowed-origins LIST", ErrUsage)
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
		zoneChanged := *zone != "" && *zone != before.TimeZone
		if zoneChanged {
			if _, err := store.SetTimeZone(ctx, id, *zone); err != nil {
				return err
			}
			log.Info("site's time zone changed", "site_id", id, "from", before.TimeZone, "to", *zone)
		}
		if *public || *private {
			_, changed, err := store.SetPublic(ctx, id, *public)
			if err != nil {
				return err
			}
			if changed {
				log.Info("site's public flag changed", "site_id", id, "public", *public)
			}
		}
		if setOrigins {
			if _, err := store.SetAllowedOrigins(ctx, id, origins); err != nil {
				return err
			}
			if !slices.Equal(origins, before.AllowedOrigins) {
				log.Info("site's allowed origins changed", "site_id", id, "allowed_origins", origins)
			}
		}
		if err := printUpdate(out, before, *zone, *public, *private); err != nil {
			return err
		}
		if setOrigins {
			if err := printOrigins(out, before, origins); err != nil {
				return err
			}
		}
		if !zoneChanged {
			return nil
		}
		return rebuildInNewZone(ctx, pool, opts, id, before.TimeZone, out)
	}}, nil
}

// printUpdate says what `sites update` changed of site, which was before as given.
func printUpdate(out io.Writer, before sites.Site, zone string, public, private bool) error {
	id := before.ID
	switch {
	case zone == "":
	case zone == before.TimeZone:
		if err := printf(out, "site %s is already in time zone %s; nothing changed\n", id, zone); err != nil {
			return err
		}
	default:
		if err := printf(out, "site %s is now in time zone %s (was %s)\n", id, zone, before.TimeZone); err != nil {
			return err
		}
	}
	switch {
	case public && before.Public:
		return printf(out, "site %s is already public; nothing changed\n", id)
	case public:
		return printf(out, "site %s is now public: its statistics are answered without an API key\n", id)
	case private && !before.Public:
		return printf(out, "site %s is already private; nothing changed\n", id)
	case private:
		return printf(out, "site %s is now private: its statistics need an API key\n", id)
	}
	return nil
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

package admin

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

// siteCommand returns a Command that runs f with the sites store of the configured database.
func siteCommand(f func(ctx context.Context, store *sites.Store, log *slog.Logger) error) *Command {
	return storeCommand(sites.NewStore, f)
}

// parseSiteID reads the one SITE_ID argument left after the flags of command name.
func parseSiteID(name string, rest []string) (string, error) {
	if len(rest) != 1 {
		return "", fmt.Errorf("%w: %s takes one SITE_ID, after the flags", ErrUsage, name)
	}
	return rest[0], nil
}

// parseSitesCreate reads `sites create [-time-zone ZONE] SITE_ID`. A site may have sent events before it
// was registered: they were counted in UTC, so a site created in another zone has its projections rebuilt
// in that zone, as `sites update` does.
func parseSitesCreate(args []string, out io.Writer, opts options) (*Command, error) {
	fs := flag.NewFlagSet("sites create", flag.ContinueOnError)
	zone := fs.String("time-zone", sites.DefaultTimeZone, "IANA time zone the site's days are counted in")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	id, err := parseSiteID(fs.Name(), rest)
	if err != nil {
		return nil, err
	}
	return &Command{run: func(ctx context.Context, cfg Config, log *slog.Logger) error {
		pool, err := database.Open(ctx, cfg.DatabaseURL, 2)
		if err != nil {
			return err
		}
		defer pool.Close()
		site, err := sites.NewStore(pool).Create(ctx, id, *zone)
		if err != nil {
			return err
		}
		log.Info("site created", "site_id", site.ID, "time_zone", site.TimeZone)
		if err := printf(out, "created site %s in time zone %s\n", site.ID, site.TimeZone); err != nil {
			return err
		}
		if site.TimeZone == sites.DefaultTimeZone {
			return nil
		}
		counted, err := hasProjections(ctx, pool, id)
		if err != nil || !counted {
			return err
		}
		return rebuildInNewZone(ctx, pool, opts, id, sites.DefaultTimeZone, out)
	}}, nil
}

// hasProjections reports whether any event of site was counted.
func hasProjections(ctx context.Context, pool *pgxpool.Pool, siteID string) (bool, error) {
	var counted bool
	err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM daily_aggregates WHERE site_id = $1)`, siteID).Scan(&counted)
	if err != nil {
		return false, fmt.Errorf("look for site %s's projections: %w", siteID, err)
	}
	return counted, nil
}

// parseSitesList reads `sites list [-json]`.
func parseSitesList(args []string, out io.Writer) (*Command, error) {
	return parseStoreList("sites list", "site", "sites", args, out, sites.NewStore, (*sites.Store).List, writeSitesTable)
}

// writeSitesTable writes the sites as aligned columns.
func writeSitesTable(out io.Writer, list []sites.Site) error {
	if len(list) == 0 {
		return printf(out, "no site is registered: every site is counted in UTC\n")
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE_ID\tTIME_ZONE\tPUBLIC\tCREATED_AT\tALLOWED_ORIGINS")
	for _, s := range list {
		public := "no"
		if s.Public {
			public = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.TimeZone, public, s.CreatedAt.UTC().Format(time.RFC3339), originsColumn(s.AllowedOrigins))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write sites: %w", err)
	}
	return nil
}

// parseSitesShow reads `sites show SITE_ID`.
func parseSitesShow(args []string, out io.Writer) (*Command, error) {
	fs := flag.NewFlagSet("sites show", flag.ContinueOnError)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	id, err := parseSiteID(fs.Name(), rest)
	if err != nil {
		return nil, err
	}
	return siteCommand(func(ctx context.Context, store *sites.Store, _ *slog.Logger) error {
		site, err := store.Get(ctx, id)
		if err != nil {
			return err
		}
		encoder := json.NewEncoder(out)
		encoder.SetIndent("", "  ")
		if err := encoder.Encode(site); err != nil {
			return fmt.Errorf("write site: %w", err)
		}
		return nil
	}), nil
}

func printf(out io.Writer, format string, args ...any) error {
	if _, err := fmt.Fprintf(out, format, args...); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

package admin

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/analytics-pipeline/analytics/internal/sources"
)

// sourceCommand returns a Command that runs f with the sources store of the configured database.
func sourceCommand(f func(ctx context.Context, store *sources.Store, log *slog.Logger) error) *Command {
	return storeCommand(sources.NewStore, f)
}

// parseSourcesCreate reads `sources create -site SITE_ID [-name NAME]`; the write key is printed this once.
func parseSourcesCreate(args []string, out io.Writer) (*Command, error) {
	fs := flag.NewFlagSet("sources create", flag.ContinueOnError)
	site := fs.String("site", "", "the site the source's events count for (required)")
	name := fs.String("name", "", "a name to recognise the source by in `sources list`")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 || *site == "" {
		return nil, fmt.Errorf("%w: sources create takes -site SITE_ID and optionally -name NAME", ErrUsage)
	}
	return sourceCommand(func(ctx context.Context, store *sources.Store, log *slog.Logger) error {
		src, key, err := store.Create(ctx, *site, *name)
		if err != nil {
			return err
		}
		log.Info("source created", "id", src.ID, "name", src.Name, "site_id", src.SiteID)
		named := ""
		if src.Name != "" {
			named = " " + strconv.Quote(src.Name)
		}
		return printf(out, "created source %d%s for site %s; its write key:\n%s\nkeep it now: it is shown only this once (Postgres keeps its SHA-256)\n",
			src.ID, named, src.SiteID, key)
	}), nil
}

// parseSourcesList reads `sources list [-json]`; it never prints a key, which is not stored.
func parseSourcesList(args []string, out io.Writer) (*Command, error) {
	return parseStoreList("sources list", "source", "sources", args, out, sources.NewStore, (*sources.Store).List, writeSourcesTable)
}

// writeSourcesTable writes the sources as aligned columns: REVOKED_AT - is not revoked.
func writeSourcesTable(out io.Writer, list []sources.Source) error {
	if len(list) == 0 {
		return printf(out, "no source exists\n")
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSITE\tCREATED_AT\tREVOKED_AT")
	for _, s := range list {
		revoked := "-"
		if s.RevokedAt != nil {
			revoked = s.RevokedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.ID, s.Name, s.SiteID, s.CreatedAt.UTC().Format(time.RFC3339), revoked)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write sources: %w", err)
	}
	return nil
}

// parseSourcesRevoke reads `sources revoke ID`.
func parseSourcesRevoke(args []string, out io.Writer) (*Command, error) {
	id, err := parseRevokeID("sources revoke", args)
	if err != nil {
		return nil, err
	}
	return sourceCommand(func(ctx context.Context, store *sources.Store, log *slog.Logger) error {
		src, changed, err := store.Revoke(ctx, id)
		if err != nil {
			return err
		}
		if !changed {
			return printf(out, "source %d was already revoked at %s; nothing changed\n", id, src.RevokedAt.UTC().Format(time.RFC3339))
		}
		log.Info("source revoked", "id", id)
		return printf(out, "revoked source %d: every ingestion replica refuses its write key within its SOURCE_KEY_CACHE_TTL (default 5s)\n", id)
	}), nil
}

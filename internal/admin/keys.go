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

	"github.com/analytics-pipeline/analytics/internal/apikeys"
)

// keyCommand returns a Command that runs f with the apikeys store of the configured database.
func keyCommand(f func(ctx context.Context, store *apikeys.Store, log *slog.Logger) error) *Command {
	return storeCommand(apikeys.NewStore, f)
}

// parseKeysCreate reads `keys create [-site SITE_ID] [-name NAME]`; the key is printed this once.
func parseKeysCreate(args []string, out io.Writer) (*Command, error) {
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	site := fs.String("site", "", "the one site the key reads (default: every site)")
	name := fs.String("name", "", "a name to recognise the key by in `keys list`")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%w: keys create takes only -site and -name", ErrUsage)
	}
	return keyCommand(func(ctx context.Context, store *apikeys.Store, log *slog.Logger) error {
		key, secret, err := store.Create(ctx, *name, *site)
		if err != nil {
			return err
		}
		log.Info("API key created", "id", key.ID, "name", key.Name, "site_id", *site)
		named, scope := "", "every site"
		if key.Name != "" {
			named = " " + strconv.Quote(key.Name)
		}
		if key.SiteID != nil {
			scope = "site " + *key.SiteID
		}
		return printf(out, "created key %d%s for %s\n%s\nkeep it now: it is shown only this once (Postgres keeps its SHA-256)\n",
			key.ID, named, scope, secret)
	}), nil
}

// parseKeysList reads `keys list [-json]`; it never prints a key, which is not stored.
func parseKeysList(args []string, out io.Writer) (*Command, error) {
	return parseStoreList("keys list", "key", "keys", args, out, apikeys.NewStore, (*apikeys.Store).List, writeKeysTable)
}

// writeKeysTable writes the keys as aligned columns: SITE * is every site, REVOKED_AT - is not revoked.
func writeKeysTable(out io.Writer, keys []apikeys.Key) error {
	if len(keys) == 0 {
		return printf(out, "no API key exists\n")
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSITE\tCREATED_AT\tREVOKED_AT")
	for _, k := range keys {
		site, revoked := "*", "-"
		if k.SiteID != nil {
			site = *k.SiteID
		}
		if k.RevokedAt != nil {
			revoked = k.RevokedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", k.ID, k.Name, site, k.CreatedAt.UTC().Format(time.RFC3339), revoked)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	return nil
}

// parseKeysRevoke reads `keys revoke ID`.
func parseKeysRevoke(args []string, out io.Writer) (*Command, error) {
	id, err := parseRevokeID("keys revoke", args)
	if err != nil {
		return nil, err
	}
	return keyCommand(func(ctx context.Context, store *apikeys.Store, log *slog.Logger) error {
		key, changed, err := store.Revoke(ctx, id)
		if err != nil {
			return err
		}
		if !changed {
			return printf(out, "key %d was already revoked at %s; nothing changed\n", id, key.RevokedAt.UTC().Format(time.RFC3339))
		}
		log.Info("API key revoked", "id", id)
		return printf(out, "revoked key %d: every reporting replica refuses it within its API_KEY_CACHE_TTL (default 5s)\n", id)
	}), nil
}

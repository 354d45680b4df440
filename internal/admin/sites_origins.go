package admin

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/analytics-pipeline/analytics/internal/sites"
)

// parseOriginsFlag reads the -allowed-origins flag of fs, whose value is list, and reports whether it
// was given: given empty, it sets any origin again.
func parseOriginsFlag(fs *flag.FlagSet, list string) (origins []string, set bool, err error) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "allowed-origins" })
	if !set {
		return nil, false, nil
	}
	origins, err = sites.ParseOrigins(list)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s: -allowed-origins: %w", ErrUsage, fs.Name(), err)
	}
	return origins, true, nil
}

// printOrigins says what `sites update -allowed-origins` changed of site, which was before as given.
func printOrigins(out io.Writer, before sites.Site, origins []string) error {
	id := before.ID
	switch {
	case len(origins) == 0 && len(before.AllowedOrigins) == 0:
		return printf(out, "site %s already takes events from any origin; nothing changed\n", id)
	case len(origins) == 0:
		return printf(out, "site %s now takes events from any origin\n", id)
	case slices.Equal(origins, before.AllowedOrigins):
		return printf(out, "site %s already takes browsers' events only from those origins; nothing changed\n", id)
	}
	return printf(out, "site %s now takes browsers' events only from %s\n", id, strings.Join(origins, ", "))
}

// originsColumn is the ALLOWED_ORIGINS column of `sites list`: "*" for any origin.
func originsColumn(origins []string) string {
	if len(origins) == 0 {
		return "*"
	}
	return strings.Join(origins, ",")
}

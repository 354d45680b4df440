// Command admin is the operator's tool for the poison queue, the event stream's consumer group, the raw
// events, the sites and the projections: `admin poison list|show|replay|purge`, `admin queue status`,
// `admin events expire`, `admin sites create|list|show|update` (an update of the zone rebuilds the site's
// projections; -public and -private open a site to the query API without a key, or close it),
// `admin keys create|list|revoke` (API keys of the query API) and `admin rebuild`. Run it with -h for usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	_ "time/tzdata" // site time zones are checked against Go's zone database, which a minimal image lacks

	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/cli"
)

func main() {
	cmd, err := admin.Parse(os.Args[1:], os.Stdout, admin.WithSiteRebuild(admin.RebuildSiteProjections))
	if errors.Is(err, flag.ErrHelp) {
		fmt.Print(admin.Usage)
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "admin: %v\n\n%s", err, admin.Usage)
		os.Exit(2)
	}
	cli.Main("admin", cmd.Run)
}

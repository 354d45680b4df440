// Command reporting serves GET /stats from the projections in Postgres.
package main

import (
	"github.com/analytics-pipeline/analytics/internal/cli"
	"github.com/analytics-pipeline/analytics/reporting"
)

func main() {
	cli.Main("reporting", reporting.Run)
}

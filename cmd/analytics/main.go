// Command analytics runs ingestion, the processor and reporting in one process, on the same ports and
// variables as the three services alone, with any broker; with BROKER=memory it needs only Postgres.
package main

import (
	_ "time/tzdata" // the sites' time zones give events their dates, also in an image without zoneinfo

	"github.com/analytics-pipeline/analytics/internal/allinone"
	"github.com/analytics-pipeline/analytics/internal/cli"
)

func main() {
	cli.Main("analytics", allinone.Run)
}

// Command ingestion serves POST /event and POST /events and publishes the events to the broker.
package main

import (
	"os"
	"runtime/debug"
	_ "time/tzdata" // the sites' time zones give events their dates, also in an image without zoneinfo

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/cli"
)

// gcPercent is the service's GOGC unless the environment sets one. Its live heap is a few MiB, so with
// Go's default of 100 the collector ran every few hundred requests under load, and its fixed cost per
// cycle (the stacks of a goroutine per connection) was about a tenth of the service's CPU. The soft
// memory limit (GOMEMLIMIT, 48 MiB unless set) still bounds the heap.
const gcPercent = 400

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	cli.Main("ingestion", ingestion.Run)
}

// Command ingestion serves POST /event and POST /events and publishes the events to the broker.
package main

import (
	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/cli"
)

func main() {
	cli.Main("ingestion", ingestion.Run)
}

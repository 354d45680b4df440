// Command processor consumes the event stream and projects it into Postgres.
package main

import (
	"github.com/analytics-pipeline/analytics/internal/cli"
	"github.com/analytics-pipeline/analytics/processor"
)

func main() {
	cli.Main("processor", processor.Run)
}

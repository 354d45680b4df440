package ingestion

import (
	"fmt"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/referrer"
	"github.com/analytics-pipeline/analytics/internal/useragent"
)

// capture derives the fields of an accepted event that need more than its own JSON: the browser, OS and
// device from its user agent (the request's when the event has none), and the traffic source from its
// referrer by the referrer database. What the url tells is derived while parsing (capturedFields).
type capture struct {
	agents  *useragent.Parser
	sources *referrer.Sources
}

// newCapture loads the embedded referrer database; it panics only if that file does not parse, which
// internal/referrer's tests would have caught.
func newCapture() *capture {
	sources, err := referrer.New()
	if err != nil {
		panic(fmt.Sprintf("ingestion: %v", err))
	}
	return &capture{agents: useragent.New(), sources: sources}
}

// derive sets the derived fields of events sent in a request whose User-Agent header is header.
func (c *capture) derive(header string, events []event.Event) {
	header = header[:min(len(header), maxUserAgent)] // bounded as the user_agent field is
	for i := range events {
		e := &events[i]
		if e.UserAgent == "" {
			e.UserAgent = header
		}
		a := c.agents.Parse(e.UserAgent)
		e.Browser, e.BrowserVersion, e.OS, e.OSVersion, e.Device = a.Browser, a.BrowserVersion, a.OS, a.OSVersion, a.Device
		e.Source = c.sources.Source(e.Referrer, e.Hostname)
	}
}

package ingestion

import (
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// SetClock makes a read the time from now: when requests are received.
func (a *API) SetClock(now func() time.Time) {
	a.now = now
}

// ParseSegmentBatch parses a POST /v1/batch body for site as the handler does and returns the valid
// events, or the request's error.
func ParseSegmentBatch(body []byte, site string, now time.Time) ([]event.Event, string) {
	req, msg := readSegmentBatch(body)
	if msg != "" {
		return nil, msg
	}
	call := newSegmentCall(site, now)
	b, msg := call.batch(&req)
	return b.events, msg
}

package ingestion

import "time"

// SetClock makes a read the time from now: when requests are received.
func (a *API) SetClock(now func() time.Time) {
	a.now = now
}

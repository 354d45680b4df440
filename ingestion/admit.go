package ingestion

import (
	"net/http"

	"github.com/analytics-pipeline/analytics/event"
)

// admit takes the valid events of a request through the steps every ingestion endpoint shares between
// its own parsing and publishing: the sites' allowed origins, an id for each event sent without one, the
// fields derived from the request (capture), bot screening, rate limits and visitors. drop reports a
// bot's events that are not to be published: the caller answers its usual success (the X-Events-Dropped
// header is set). ok false means admit has answered the request itself (403, 429 or 503) and nothing
// may be published.
func (a *API) admit(w http.ResponseWriter, r *http.Request, events []event.Event) (drop, ok bool) {
	if !a.checkOrigin(w, r, events) {
		return false, false
	}
	for i := range events {
		if events[i].EventID == "" {
			events[i].EventID = newEventID()
		}
	}
	a.capture.derive(r.UserAgent(), events)
	if a.bots.screen(r, events) {
		a.metrics.reject(rejectBot, len(events))
		w.Header().Set(droppedHeader, "bot")
		return true, true
	}
	if a.rateLimited(w, r, events) || !a.identified(w, r, events) {
		return false, false
	}
	return false, true
}

package ingestion

import (
	"net/http"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// segmentOK is the answer of Segment's Tracking API to a call it took.
var segmentOK = []byte("{\"success\":true}\n")

// postSegment returns the handler of one call of Segment's Tracking API of type kind (POST /v1/track,
// /v1/page, …): the call becomes one event (segmentCall.toEvent) of the site its write key decides,
// which then takes the path of POST /event's (admit, the packer). It answers 200 {"success":true} only
// once the broker holds the event; a bot's event that is dropped gets the same answer at once, with
// X-Events-Dropped. Errors are the project's JSON errors: 401 for a missing or unknown write key, 400
// for an invalid call, 413 for a body over 32 KB.
func (a *API) postSegment(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		buf := a.buffers.get()
		defer a.buffers.put(buf)
		body, err := a.readSegmentBody(w, r, maxSegmentCall, buf)
		if err != nil {
			a.writeBodyError(w, err)
			return
		}
		m, ok := readSegmentMessage(string(body))
		if !ok {
			a.metrics.reject(rejectInvalid, 1)
			httpapi.WriteError(w, http.StatusBadRequest, scanFailure(body))
			return
		}
		site, ok := a.segmentSite(w, r, m.writeKey)
		if !ok {
			return
		}
		call := newSegmentCall(site, a.now())
		e, problems := call.toEvent(kind, &m)
		if len(problems) > 0 {
			a.metrics.reject(rejectInvalid, 1)
			httpapi.WriteError(w, http.StatusBadRequest, problems...)
			return
		}
		a.publishSegmentCall(w, r, []event.Event{e})
	}
}

// publishSegmentCall takes the event of one call through admit and the packer and answers.
func (a *API) publishSegmentCall(w http.ResponseWriter, r *http.Request, events []event.Event) {
	if _, _, ok := a.admitAndPublish(w, r, events); ok {
		writeJSON(w, http.StatusOK, segmentOK)
	}
}

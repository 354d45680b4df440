package ingestion

import (
	"net/http"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// plausibleDroppedHeader is how Plausible tells a client that its accepted event was dropped.
const plausibleDroppedHeader = "X-Plausible-Dropped"

// plausibleOK is the body of Plausible's answer to an event it took.
var plausibleOK = []byte("ok")

// contentTypeText is the Content-Type of plausibleOK.
var contentTypeText = []string{"text/plain; charset=utf-8"}

// postPlausibleEvent is Plausible's Events API: its body becomes one event per site named in its domain
// (parsePlausible), which then take the path of POST /event's (admit, the packer). It answers 202 "ok"
// only once the broker holds every event, as Plausible answers; a bot's events that are dropped get the
// same answer at once, with X-Plausible-Dropped. Errors are the project's JSON errors.
func (a *API) postPlausibleEvent(w http.ResponseWriter, r *http.Request) {
	buf := a.buffers.get()
	defer a.buffers.put(buf)
	body, err := readBody(w, r, maxEventBody, buf)
	if err != nil {
		a.writeBodyError(w, err)
		return
	}
	events, problems := parsePlausible(body, a.now())
	if len(problems) > 0 {
		a.metrics.reject(rejectInvalid, 1)
		httpapi.WriteError(w, http.StatusBadRequest, problems...)
		return
	}
	_, dropped, ok := a.admitAndPublish(w, r, events)
	if !ok {
		return
	}
	if dropped {
		w.Header().Set(plausibleDroppedHeader, "1")
	}
	writePlausibleOK(w)
}

// writePlausibleOK answers 202 "ok", Plausible's answer to an event it took.
func writePlausibleOK(w http.ResponseWriter) {
	w.Header()["Content-Type"] = contentTypeText
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write(plausibleOK)
}

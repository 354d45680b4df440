package ingestion

import (
	"net/http"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// admitAndPublish takes a request's events through admit and the packer, the path every endpoint's
// events share. ok false means it has answered the request (refused, or 503 when the broker did not store
// every event: events of several sites may travel in several messages, one per site with Kafka, of which
// the broker may take some). dropped means admit dropped them as bots'; otherwise every event is stored
// and res says where.
func (a *API) admitAndPublish(w http.ResponseWriter, r *http.Request, events []event.Event) (res published, dropped, ok bool) {
	dropped, ok = a.admit(w, r, events)
	if !ok || dropped {
		return published{}, dropped, ok
	}
	res, err := a.packer.publish(r.Context(), events, httpapi.RequestID(r))
	if err != nil {
		a.unavailable(w, r, err, len(events))
		return published{}, false, false
	}
	failed, firstErr := res.failed()
	a.metrics.accepted.Add(float64(len(events) - failed))
	if failed > 0 {
		a.unavailable(w, r, firstErr, failed)
		return published{}, false, false
	}
	return res, false, true
}

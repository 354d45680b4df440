// Package ingestion is the HTTP API that validates analytics events and hands them to the broker.
package ingestion

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/clientip"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

// maxBatch is the most events one POST /events may carry.
const maxBatch = 500

// retryAfterSeconds is what a 503 asks the client to wait before trying again.
const retryAfterSeconds = "1"

// API holds the handlers' dependencies.
type API struct {
	packer    *packer
	capture   *capture
	ready     func(context.Context) error
	log       *slog.Logger
	now       func() time.Time
	buffers   buffers
	trusted   clientip.Trusted
	bots      *botFilter
	limits    *rateLimits    // nil: no rate limits
	visitors  *Visitors      // nil: events keep VisitorID 0 (see IdentifyVisitors)
	origins   *sites.Origins // nil: any origin may send any site's events (see CheckOrigins)
	writeKeys writeKeys      // nil: every write key is refused (see AcceptWriteKeys)

	registry *prometheus.Registry
	http     *metrics.HTTP
	metrics  *ingestMetrics
}

// NewAPI returns handlers that publish events on topic; ready reports whether the broker answers. Close
// it after the HTTP server has stopped.
func NewAPI(publisher message.Publisher, topic string, ready func(context.Context) error, log *slog.Logger) *API {
	a := &API{packer: newPacker(publisher, topic), capture: newCapture(), ready: ready, log: log, now: time.Now}
	a.Instrument(metrics.NewRegistry())
	return a
}

// Close stops the publishing goroutines once the requests handed to them are answered. A handler that
// publishes afterwards (its body was still arriving when the server's shutdown gave up waiting) answers
// 503 with Retry-After, nothing queued.
func (a *API) Close() {
	a.packer.close()
	if a.limits != nil {
		a.limits.limiter.Close()
	}
}

// postEvent accepts one event and answers 200 only once the broker holds it; a bot's event that is
// dropped (see botFilter.screen) gets the same answer at once, with an empty queued_id.
func (a *API) postEvent(w http.ResponseWriter, r *http.Request) {
	buf := a.buffers.get()
	defer a.buffers.put(buf)
	body, err := readBody(w, r, maxEventBody, buf)
	if err != nil {
		a.writeBodyError(w, err)
		return
	}
	e, problems := parseEvent(body, a.now())
	if len(problems) > 0 {
		a.metrics.reject(rejectInvalid, 1)
		httpapi.WriteError(w, http.StatusBadRequest, problems...)
		return
	}
	events := []event.Event{e}
	res, dropped, ok := a.admitAndPublish(w, r, events)
	if !ok {
		return
	}
	queued := "" // a bot's dropped event is in no message
	if !dropped {
		queued = res.queuedID(0)
	}
	*buf = appendAccepted((*buf)[:0], queued, events[0].EventID)
	writeJSON(w, http.StatusOK, *buf)
}

// newEventID returns the id of an event sent without one: a UUIDv7, so ids sort by time.
func newEventID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// unavailable answers 503: none of the request's events was queued, so the client must retry. Every
// cause is one a retry can get past: the broker down or full, ingestion stopping, or a message refused
// as too large, which only a broker limit below ingestion's maxMessageBytes causes (a configuration to
// fix, not the client's events: every valid event fits).
func (a *API) unavailable(w http.ResponseWriter, r *http.Request, err error, events int) {
	a.metrics.reject(rejectUnavailable, events)
	httpapi.LogError(a.log, w, r, "events not queued", "err", err)
	w.Header().Set("Retry-After", retryAfterSeconds)
	httpapi.WriteError(w, http.StatusServiceUnavailable, notQueuedReason(err)+"; retry later")
}

// writeBodyError answers a request whose body cannot be read, counted as one rejected event.
func (a *API) writeBodyError(w http.ResponseWriter, err error) {
	var be *errBody
	if errors.As(err, &be) {
		a.metrics.reject(rejectReasonOf(be.status), 1)
		httpapi.WriteError(w, be.status, be.message)
		return
	}
	a.metrics.reject(rejectInvalid, 1)
	httpapi.WriteError(w, http.StatusBadRequest, err.Error())
}

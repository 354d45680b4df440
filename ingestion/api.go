// Package ingestion is the HTTP API that validates analytics events and hands them to the broker.
package ingestion

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// maxBatch is the most events one POST /events may carry.
const maxBatch = 500

// retryAfterSeconds is what a 503 asks the client to wait before trying again.
const retryAfterSeconds = "1"

// API holds the handlers' dependencies.
type API struct {
	packer *packer
	ready  func(context.Context) error
	log    *slog.Logger
	now    func() time.Time
}

// NewAPI returns handlers that publish events on topic; ready reports whether the broker answers. Close
// it after the HTTP server has stopped.
func NewAPI(publisher message.Publisher, topic string, ready func(context.Context) error, log *slog.Logger) *API {
	return &API{packer: newPacker(publisher, topic), ready: ready, log: log, now: time.Now}
}

// Close stops the publishing goroutines once the requests in flight are answered.
func (a *API) Close() {
	a.packer.close()
}

// acceptedEvent is the seed's success response, plus the event's id.
type acceptedEvent struct {
	Success  bool   `json:"success"`
	QueuedID string `json:"queued_id"`
	EventID  string `json:"event_id"`
}

// postEvent accepts one event and answers 200 only once the broker holds it.
func (a *API) postEvent(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r, maxEventBody)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	if msg := checkJSON(body, '{'); msg != "" {
		httpapi.WriteError(w, http.StatusBadRequest, msg)
		return
	}
	e, problems := parseEvent(body, a.now())
	if len(problems) > 0 {
		httpapi.WriteError(w, http.StatusBadRequest, problems...)
		return
	}
	brokerID, err := a.packer.publish(r.Context(), []event.Event{e}, chimw.GetReqID(r.Context()))
	if err != nil {
		a.unavailable(w, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, acceptedEvent{Success: true, QueuedID: brokerID, EventID: e.EventID})
}

// unavailable answers 503: the broker did not take the events, so the client must retry.
func (a *API) unavailable(w http.ResponseWriter, err error) {
	a.log.Error("broker unavailable", "err", err)
	w.Header().Set("Retry-After", retryAfterSeconds)
	httpapi.WriteError(w, http.StatusServiceUnavailable, "the event queue is unavailable; retry later")
}

// checkJSON reports why body is not a single JSON value starting with open, or "" when it is.
func checkJSON(body []byte, open byte) string {
	kind := map[byte]string{'{': "a JSON object", '[': "a JSON array"}[open]
	dec := json.NewDecoder(bytes.NewReader(body))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return "malformed JSON: " + err.Error()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "unexpected data after the JSON value"
	}
	if trimmed := bytes.TrimLeft(v, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != open {
		return "request body must be " + kind
	}
	return ""
}

func writeBodyError(w http.ResponseWriter, err error) {
	var be *errBody
	if errors.As(err, &be) {
		httpapi.WriteError(w, be.status, be.message)
		return
	}
	httpapi.WriteError(w, http.StatusBadRequest, err.Error())
}

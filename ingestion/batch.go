package ingestion

import (
	"net/http"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// postEvents accepts up to maxBatch events; the valid ones are published together, in as few messages as
// the limits allow, and every item's outcome is reported. It answers 200 if at least one event was
// queued (an event the broker did not take is reported as its item's error), 400 if none was valid, 503
// if none was queued. A bot's events that are dropped (see botFilter.screen) are answered as queued,
// without queued_ids.
func (a *API) postEvents(w http.ResponseWriter, r *http.Request) {
	buf := a.buffers.get()
	defer a.buffers.put(buf)
	body, err := readBody(w, r, maxBatchBody, buf)
	if err != nil {
		a.writeBodyError(w, err)
		return
	}
	batch, msg := parseBatch(body, a.now())
	if msg != "" {
		a.metrics.reject(rejectInvalid, max(batch.items, 1))
		httpapi.WriteError(w, http.StatusBadRequest, msg)
		return
	}
	a.answerBatch(w, r, &batch, buf)
}

// answerBatch takes the valid events of a parsed batch through admit and the packer and answers with
// every item's outcome, as postEvents documents; buf is the request's buffer, reused for the answer.
func (a *API) answerBatch(w http.ResponseWriter, r *http.Request, batch *parsedBatch, buf *[]byte) {
	a.metrics.reject(rejectInvalid, batch.items-len(batch.events))
	if len(batch.events) == 0 {
		*buf = appendBatchRejected((*buf)[:0], batch)
		writeJSON(w, http.StatusBadRequest, *buf)
		return
	}
	drop, ok := a.admit(w, r, batch.events)
	if !ok {
		return
	}
	if drop {
		*buf = appendBatchAccepted((*buf)[:0], batch, notPublished(len(batch.events)))
		writeJSON(w, http.StatusOK, *buf)
		return
	}
	res, err := a.packer.publish(r.Context(), batch.events, httpapi.RequestID(r))
	if err != nil {
		a.unavailable(w, r, err, len(batch.events))
		return
	}
	failed, firstErr := res.failed()
	if failed == len(batch.events) {
		a.unavailable(w, r, firstErr, failed)
		return
	}
	a.metrics.accepted.Add(float64(len(batch.events) - failed))
	if failed > 0 {
		a.metrics.reject(rejectUnavailable, failed)
		httpapi.LogError(a.log, w, r, "events of a request not queued", "not_queued", failed, "queued", len(batch.events)-failed, "err", firstErr)
	}
	*buf = appendBatchAccepted((*buf)[:0], batch, res)
	writeJSON(w, http.StatusOK, *buf)
}

package ingestion

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// segmentBatchBody is a POST /v1/batch body: the calls, and what applies to each of them that lacks its
// own (context, sentAt), besides the write key.
type segmentBatchBody struct {
	Batch    []json.RawMessage `json:"batch"`
	Context  json.RawMessage   `json:"context"`
	SentAt   json.RawMessage   `json:"sentAt"`
	WriteKey json.RawMessage   `json:"writeKey"`
}

// postSegmentBatch is Segment's batch call (POST /v1/batch and its alias /v1/import): up to 2,500
// calls of any type in at most 500 KB, each of at most 32 KB, for the site of the write key. The valid
// calls' events take the path of POST /events' (answerBatch), and it answers as POST /events does:
// 200 with every item's outcome when at least one was queued (success true when all were), 400 when
// none was valid, 401 for a missing or unknown write key, 413 for a body over 500 KB.
func (a *API) postSegmentBatch(w http.ResponseWriter, r *http.Request) {
	buf := a.buffers.get()
	defer a.buffers.put(buf)
	body, err := a.readSegmentBody(w, r, maxSegmentBatch, buf)
	if err != nil {
		a.writeBodyError(w, err)
		return
	}
	var req segmentBatchBody
	if msg := checkJSON(body, '{'); msg != "" || json.Unmarshal(body, &req) != nil {
		a.metrics.reject(rejectInvalid, 1)
		httpapi.WriteError(w, http.StatusBadRequest, nonEmpty(msg, `"batch" must be an array`))
		return
	}
	site, ok := a.segmentSite(w, r, req.WriteKey)
	if !ok {
		return
	}
	if n := len(req.Batch); n == 0 || n > maxSegmentCalls {
		a.metrics.reject(rejectInvalid, max(n, 1))
		httpapi.WriteError(w, http.StatusBadRequest, fmt.Sprintf(`"batch" must hold between 1 and %d calls, got %d`, maxSegmentCalls, n))
		return
	}
	ctx, problems := readContext(string(req.Context))
	if len(problems) > 0 {
		a.metrics.reject(rejectInvalid, len(req.Batch))
		httpapi.WriteError(w, http.StatusBadRequest, problems...)
		return
	}
	call := segmentCall{site: site, context: ctx, sentAt: string(req.SentAt), now: a.now()}
	batch := parsedBatch{events: make([]event.Event, 0, len(req.Batch))}
	for _, item := range req.Batch {
		e, problems := call.item(item)
		batch.record(e, problems)
	}
	*buf = (*buf)[:0] // the body is read: its buffer takes the answer
	a.answerBatch(w, r, &batch, buf)
}

// item converts one element of a batch, which names its type.
func (c *segmentCall) item(raw json.RawMessage) (event.Event, []string) {
	if len(raw) > maxSegmentCall {
		return event.Event{}, []string{fmt.Sprintf("a call must be at most %d bytes of JSON, got %d", maxSegmentCall, len(raw))}
	}
	var m segmentMessage
	if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return event.Event{}, []string{notAnObject}
	}
	kind, msg := stringValue(string(m.Type), field{name: "type", max: maxEventType, required: true})
	if msg != "" {
		return event.Event{}, []string{msg}
	}
	switch kind {
	case segmentTrack, segmentPage, segmentScreen, segmentIdentify, segmentGroup, segmentAlias:
		return c.toEvent(kind, &m)
	}
	return event.Event{}, []string{`"type" must be one of track, page, screen, identify, group, alias`}
}

// record adds the next element of a batch: its event, or its problems when it has any.
func (b *parsedBatch) record(e event.Event, problems []string) {
	i := b.items
	b.items++
	if problems == nil {
		b.events = append(b.events, e)
		return
	}
	for len(b.problems) < i {
		b.problems = append(b.problems, nil)
	}
	b.problems = append(b.problems, problems)
}

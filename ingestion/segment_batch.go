package ingestion

import (
	"fmt"
	"net/http"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// segmentBatchBody is a POST /v1/batch body: the raw JSON of its calls and of what applies to each of
// them that lacks its own (context, sentAt), besides the write key.
type segmentBatchBody struct {
	batch                     []string
	isArray                   bool
	context, sentAt, writeKey string
}

// readSegmentBatch reads a POST /v1/batch body in one pass, keeping the raw JSON of each call;
// msg says why it is not a JSON object.
func readSegmentBatch(body []byte) (req segmentBatchBody, msg string) {
	d := scanner{s: string(body)}
	more, ok := d.openObject()
	for ok && more {
		var key string
		if key, ok = d.key(); !ok {
			break
		}
		if key == "batch" && d.peek() == '[' {
			req.batch, req.isArray = req.batch[:0], true
			ok = d.elements(2, func(call string) { req.batch = append(req.batch, call) })
		} else {
			start := d.i
			ok = d.value(2)
			req.member(key, d.s[start:d.i])
		}
		if ok {
			more, ok = d.nextMember()
		}
	}
	if !ok || d.i != len(d.s) {
		return segmentBatchBody{}, scanFailure(body)
	}
	return req, ""
}

// member keeps the raw value of a member of the body other than an array of calls.
func (req *segmentBatchBody) member(key, value string) {
	switch key {
	case "batch":
		req.batch, req.isArray = nil, false
	case "context":
		req.context = value
	case "sentAt":
		req.sentAt = value
	case "writeKey":
		req.writeKey = value
	}
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
	req, msg := readSegmentBatch(body)
	if msg != "" {
		a.metrics.reject(rejectInvalid, 1)
		httpapi.WriteError(w, http.StatusBadRequest, msg)
		return
	}
	site, ok := a.segmentSite(w, r, req.writeKey)
	if !ok {
		return
	}
	call := newSegmentCall(site, a.now())
	batch, msg := call.batch(&req)
	if msg != "" {
		a.metrics.reject(rejectInvalid, max(len(req.batch), 1))
		httpapi.WriteError(w, http.StatusBadRequest, msg)
		return
	}
	*buf = (*buf)[:0] // the body was copied by readSegmentBatch: its buffer takes the answer
	a.answerBatch(w, r, &batch, buf)
}

// batch converts the calls of req; msg, when not empty, refuses the whole request.
func (c *segmentCall) batch(req *segmentBatchBody) (parsedBatch, string) {
	if !req.isArray {
		return parsedBatch{}, `"batch" must be an array of calls`
	}
	if n := len(req.batch); n == 0 || n > maxSegmentCalls {
		return parsedBatch{}, fmt.Sprintf(`"batch" must hold between 1 and %d calls, got %d`, maxSegmentCalls, n)
	}
	ctx, problems := readContext(req.context)
	if len(problems) > 0 {
		return parsedBatch{}, problems[0]
	}
	c.context, c.sentAt = ctx, req.sentAt
	batch := parsedBatch{events: make([]event.Event, 0, len(req.batch))}
	for _, item := range req.batch {
		e, problems := c.item(item)
		batch.record(e, problems)
	}
	return batch, ""
}

// item converts one element of a batch, which names its type.
func (c *segmentCall) item(raw string) (event.Event, []string) {
	if len(raw) > maxSegmentCall {
		return event.Event{}, []string{fmt.Sprintf("a call must be at most %d bytes of JSON, got %d", maxSegmentCall, len(raw))}
	}
	m, ok := readSegmentMessage(raw)
	if !ok {
		return event.Event{}, []string{notAnObject}
	}
	kind, msg := stringValue(m.typ, field{name: "type", max: maxEventType, required: true})
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

package ingestion

import (
	"net/http"
	"strconv"

	"github.com/analytics-pipeline/analytics/internal/jsonstr"
)

// contentTypeJSON is the Content-Type of every answer, as httpapi.WriteJSON sets it.
var contentTypeJSON = []string{"application/json; charset=utf-8"}

// writeJSON answers status with body, a JSON document followed by a newline, as httpapi.WriteJSON does.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header()["Content-Type"] = contentTypeJSON
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// appendAccepted appends the seed's success answer to POST /event, plus the event's id:
// {"success":true,"queued_id":"…","event_id":"…"}.
func appendAccepted(b []byte, queuedID, eventID string) []byte {
	b = append(b, `{"success":true,"queued_id":`...)
	b = jsonstr.Append(b, queuedID)
	b = append(b, `,"event_id":`...)
	b = jsonstr.Append(b, eventID)
	return append(b, "}\n"...)
}

// appendBatchAccepted appends the answer to a POST /events of which at least one event was queued:
// {"success":…,"accepted":…,"rejected":…,"results":[…]}, success being true when every item was.
func appendBatchAccepted(b []byte, batch *parsedBatch, res published) []byte {
	failed, _ := res.failed()
	accepted := len(batch.events) - failed
	b = append(b, `{"success":`...)
	b = strconv.AppendBool(b, accepted == batch.items)
	b = append(b, `,"accepted":`...)
	b = strconv.AppendInt(b, int64(accepted), 10)
	b = append(b, `,"rejected":`...)
	b = strconv.AppendInt(b, int64(batch.items-accepted), 10)
	b = appendResults(b, batch, &res)
	return append(b, "}\n"...)
}

// appendBatchRejected appends the answer to a POST /events of which no event was valid: the seed's
// error shape, every problem prefixed with its element's index, plus the results.
func appendBatchRejected(b []byte, batch *parsedBatch) []byte {
	b = append(b, `{"error":[`...)
	first := true
	for i := range batch.items {
		for _, p := range batch.itemProblems(i) {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = jsonstr.Append(b, "["+strconv.Itoa(i)+"] "+p)
		}
	}
	b = append(b, ']')
	b = appendResults(b, batch, nil)
	return append(b, "}\n"...)
}

// appendResults appends ,"results":[…]: each element's index and either its queued_id and event_id, or
// its problems under error, or, when res says the broker did not take it, its event_id and why under
// error; empty ones left out as the omitempty of encoding/json does. res is nil when nothing was queued.
func appendResults(b []byte, batch *parsedBatch, res *published) []byte {
	b = append(b, `,"results":[`...)
	next := 0
	for i := range batch.items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, int64(i), 10)
		if problems := batch.itemProblems(i); problems != nil {
			b = append(b, `,"error":[`...)
			for j, p := range problems {
				if j > 0 {
					b = append(b, ',')
				}
				b = jsonstr.Append(b, p)
			}
			b = append(b, "]}"...)
			continue
		}
		var err error
		if res != nil {
			err = res.err(next)
			if id := res.queuedID(next); id != "" {
				b = append(b, `,"queued_id":`...)
				b = jsonstr.Append(b, id)
			}
		}
		if id := batch.events[next].EventID; id != "" {
			b = append(b, `,"event_id":`...)
			b = jsonstr.Append(b, id)
		}
		next++
		if err != nil {
			b = append(b, `,"error":[`...)
			b = jsonstr.Append(b, "not queued: "+notQueuedReason(err)+"; send this event again")
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

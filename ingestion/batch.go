package ingestion

import (
	"encoding/json"
	"fmt"
	"net/http"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// itemResult reports what happened to one event of a batch, by its index in the request.
type itemResult struct {
	Index    int      `json:"index"`
	QueuedID string   `json:"queued_id,omitempty"`
	EventID  string   `json:"event_id,omitempty"`
	Error    []string `json:"error,omitempty"`
}

// batchResponse answers POST /events. Success is true when every event was queued.
type batchResponse struct {
	Success  bool         `json:"success"`
	Accepted int          `json:"accepted"`
	Rejected int          `json:"rejected"`
	Results  []itemResult `json:"results"`
}

// rejectedBatch answers a batch of which no event was valid: the seed's error shape plus the results.
type rejectedBatch struct {
	Error   []string     `json:"error"`
	Results []itemResult `json:"results"`
}

// postEvents accepts up to maxBatch events; the valid ones are published together, in one message, and
// every item's outcome is reported. It answers 200 if at least one event was queued, 400 if none was valid.
func (a *API) postEvents(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r, maxBatchBody)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	if msg := checkJSON(body, '['); msg != "" {
		httpapi.WriteError(w, http.StatusBadRequest, msg)
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		httpapi.WriteError(w, http.StatusBadRequest, "malformed JSON: "+err.Error())
		return
	}
	if len(items) == 0 || len(items) > maxBatch {
		httpapi.WriteError(w, http.StatusBadRequest, fmt.Sprintf("a batch must hold between 1 and %d events, got %d", maxBatch, len(items)))
		return
	}

	now := a.now()
	results := make([]itemResult, len(items))
	valid := make([]event.Event, 0, len(items))
	validIndex := make([]int, 0, len(items))
	var errs []string
	for i, raw := range items {
		results[i].Index = i
		e, problems := parseEvent(raw, now)
		if len(problems) > 0 {
			results[i].Error = problems
			for _, p := range problems {
				errs = append(errs, fmt.Sprintf("[%d] %s", i, p))
			}
			continue
		}
		valid = append(valid, e)
		validIndex = append(validIndex, i)
	}
	if len(valid) == 0 {
		httpapi.WriteJSON(w, http.StatusBadRequest, rejectedBatch{Error: errs, Results: results})
		return
	}
	brokerID, err := a.packer.publish(r.Context(), valid, chimw.GetReqID(r.Context()))
	if err != nil {
		a.unavailable(w, err)
		return
	}
	for j, i := range validIndex {
		results[i].EventID = valid[j].EventID
		results[i].QueuedID = brokerID
	}
	httpapi.WriteJSON(w, http.StatusOK, batchResponse{
		Success:  len(valid) == len(items),
		Accepted: len(valid),
		Rejected: len(items) - len(valid),
		Results:  results,
	})
}

package ingestion_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
)

// The answers as the handlers used to write them, with encoding/json: the reference for the hand-written ones.
type (
	acceptedEvent struct {
		Success  bool   `json:"success"`
		QueuedID string `json:"queued_id"`
		EventID  string `json:"event_id"`
	}
	itemResult struct {
		Index    int      `json:"index"`
		QueuedID string   `json:"queued_id,omitempty"`
		EventID  string   `json:"event_id,omitempty"`
		Error    []string `json:"error,omitempty"`
	}
	batchResponse struct {
		Success  bool         `json:"success"`
		Accepted int          `json:"accepted"`
		Rejected int          `json:"rejected"`
		Results  []itemResult `json:"results"`
	}
	rejectedBatch struct {
		Error   []string     `json:"error"`
		Results []itemResult `json:"results"`
	}
)

// encoded is v as httpapi.WriteJSON writes it.
func encoded(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.NewEncoder(&buf).Encode(v))
	return buf.String()
}

func TestEventAnswerIsWhatEncodingJSONMakes(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"01a21591-4b61-7edc-b99b-56f685310704", `client "id" <&>`, "日本\u2028", "\xff"} {
		want := encoded(t, acceptedEvent{Success: true, QueuedID: "1795658173282-0", EventID: id})
		require.Equal(t, want, ingestion.AnswerEvent("1795658173282-0", id))
	}
}

// FuzzBatchAnswer checks that the hand-written POST /events answers are byte for byte what encoding/json
// made of the response structs.
func FuzzBatchAnswer(f *testing.F) {
	seeds := eventSeeds()
	f.Add([]byte("["+strings.Join(seeds, ",")+"]"), "1795658173282-0")
	f.Add([]byte(`[{}, "x", null]`), "1795658173282-0")
	f.Add([]byte("["+eventJSON(nil)+","+eventJSON(map[string]any{"event_id": `"<id>"`})+"]"), "")
	f.Fuzz(func(t *testing.T, body []byte, queuedID string) {
		batch, got, ok := ingestion.AnswerBatch(body, fuzzNow, queuedID)
		if !ok {
			return
		}
		results := make([]itemResult, batch.Items)
		var errs []string
		next := 0
		for i := range results {
			results[i].Index = i
			if problems := batch.Problems[i]; problems != nil {
				results[i].Error = problems
				for _, p := range problems {
					errs = append(errs, fmt.Sprintf("[%d] %s", i, p))
				}
				continue
			}
			results[i].QueuedID, results[i].EventID = queuedID, batch.Events[next].EventID
			next++
		}
		var want string
		if len(batch.Events) == 0 {
			want = encoded(t, rejectedBatch{Error: errs, Results: results})
		} else {
			want = encoded(t, batchResponse{Success: len(batch.Events) == batch.Items, Accepted: len(batch.Events),
				Rejected: batch.Items - len(batch.Events), Results: results})
		}
		require.Equal(t, want, got)
	})
}

package ingestion_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/messaging"
)

// benchEvent returns the i-th event as the load test posts it, plus a client event_id so that the parse
// benchmarks measure decoding and validation, not making ids.
func benchEvent(i int) map[string]any {
	return map[string]any{
		"event_id":   fmt.Sprintf("0199a1b2-c3d4-7e5f-8a9b-%012d", i),
		"site_id":    fmt.Sprintf("site-%d", i%100),
		"event_type": "page_view",
		"path":       fmt.Sprintf("/section/%d/page/%d", i%10, i%1000),
		"user_id":    fmt.Sprintf("user-%d", i%50000),
		"timestamp":  time.Date(2025, 11, 1, 0, 0, i, 0, time.UTC).Format(time.RFC3339),
	}
}

func benchBatch(n int) []byte {
	events := make([]map[string]any, n)
	for i := range events {
		events[i] = benchEvent(i)
	}
	b, _ := json.Marshal(events)
	return b
}

func BenchmarkParseEvent(b *testing.B) {
	body, _ := json.Marshal(benchEvent(7))
	now := time.Now()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, problems := ingestion.ParseEvent(body, now); problems != nil {
			b.Fatal(problems)
		}
	}
}

func BenchmarkParseBatch(b *testing.B) {
	body := benchBatch(100)
	now := time.Now()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if events, msg := ingestion.ParseBatchEvents(body, now); len(events) != 100 {
			b.Fatal(len(events), msg)
		}
	}
}

// nopPublisher accepts every message at once, as a broker that costs nothing would.
type nopPublisher struct{}

func (nopPublisher) Publish(_ string, msgs ...*message.Message) error {
	for _, m := range msgs {
		m.Metadata.Set(messaging.BrokerIDKey, "1795658173282-0")
	}
	return nil
}

func (nopPublisher) Close() error { return nil }

// benchHandler measures the whole handler, routing included, over a broker that costs nothing.
func benchHandler(b *testing.B, path string, body []byte) {
	api := ingestion.NewAPI(nopPublisher{}, "bench", nil, slog.New(slog.DiscardHandler))
	b.Cleanup(api.Close)
	handler := api.Routes()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

func BenchmarkPostEvent(b *testing.B) {
	body, _ := json.Marshal(benchEvent(7))
	benchHandler(b, "/event", body)
}

func BenchmarkPostEvents(b *testing.B) {
	benchHandler(b, "/events", benchBatch(100))
}

// segmentBatch returns a POST /v1/batch body of the n events of benchBatch as analytics-node sends
// them: page calls with a messageId, a timestamp and the library in their context.
func segmentBatch(n int) []byte {
	calls := make([]map[string]any, n)
	for i := range calls {
		e := benchEvent(i)
		calls[i] = map[string]any{"type": "page", "userId": e["user_id"], "messageId": e["event_id"], "timestamp": e["timestamp"],
			"properties": map[string]any{"path": e["path"]}, "context": map[string]any{"library": map[string]any{"name": "analytics-node", "version": "3.1.0"}}}
	}
	b, _ := json.Marshal(map[string]any{"batch": calls, "sentAt": time.Date(2025, 11, 1, 0, 5, 0, 0, time.UTC).Format(time.RFC3339)})
	return b
}

func BenchmarkParseSegmentBatch(b *testing.B) {
	body := segmentBatch(100)
	now := time.Date(2025, 11, 1, 0, 5, 0, 0, time.UTC)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if events, msg := ingestion.ParseSegmentBatch(body, "shop.example", now); len(events) != 100 {
			b.Fatal(len(events), msg)
		}
	}
}

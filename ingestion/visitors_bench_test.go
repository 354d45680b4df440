package ingestion_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// BenchmarkIdentifyVisitors measures the handler, over a broker that costs nothing, without visitors
// (off) and with them (on: zones and salts cached from a real Postgres after the first request), for an
// event with a user_id, an anonymous one, and a batch of 100 anonymous events.
func BenchmarkIdentifyVisitors(b *testing.B) {
	now := time.Now().UTC()
	user := benchEvent(7)
	user["timestamp"] = now.Format(time.RFC3339)
	anonymous := benchEvent(7)
	anonymous["timestamp"] = now.Format(time.RFC3339)
	delete(anonymous, "user_id")
	batch := make([]map[string]any, 100)
	for i := range batch {
		batch[i] = benchEvent(i)
		batch[i]["timestamp"] = now.Format(time.RFC3339)
		delete(batch[i], "user_id")
	}
	bodies := []struct {
		name, path string
		body       any
	}{{"user", "/event", user}, {"anonymous", "/event", anonymous}, {"anonymous_batch_100", "/events", batch}}
	pool := testenv.Database(b)
	for _, on := range []bool{false, true} {
		for _, c := range bodies {
			name := "off/" + c.name
			if on {
				name = "on/" + c.name
			}
			b.Run(name, func(b *testing.B) {
				api := ingestion.NewAPI(nopPublisher{}, "bench", nil, slog.New(slog.DiscardHandler))
				b.Cleanup(api.Close)
				if on {
					api.IdentifyVisitors(ingestion.NewVisitors(pool, time.Now, slog.New(slog.DiscardHandler)))
				}
				handler := api.Routes()
				body, _ := json.Marshal(c.body)
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					req := httptest.NewRequest(http.MethodPost, c.path, bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
					rec := httptest.NewRecorder()
					handler.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatal(rec.Code, rec.Body.String())
					}
				}
			})
		}
	}
}

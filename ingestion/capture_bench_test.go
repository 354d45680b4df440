package ingestion_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/analytics-pipeline/analytics/ingestion"
)

// benchCapturedEvent is benchEvent sent by a browser's tracker: url with UTM tags, referrer and props.
func benchCapturedEvent() []byte {
	e := benchEvent(7)
	delete(e, "path")
	e["url"] = "https://www.example.com/section/7/page/7?utm_source=newsletter&utm_medium=email&utm_campaign=launch"
	e["referrer"] = "https://www.google.com/search?q=web+analytics"
	e["props"] = map[string]any{"plan": "pro", "seats": 12}
	b, _ := json.Marshal(e)
	return b
}

// benchUserAgents measures POST /event of benchCapturedEvent over a broker that costs nothing, each
// request's User-Agent header userAgent(i).
func benchUserAgents(b *testing.B, userAgent func(i int) string) {
	api := ingestion.NewAPI(nopPublisher{}, "bench", nil, slog.New(slog.DiscardHandler))
	b.Cleanup(api.Close)
	handler := api.Routes()
	body := benchCapturedEvent()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/event", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", userAgent(i))
		i++
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkPostEventCapturedWarm sends the same browser user agent each time: the parser's cache answers.
func BenchmarkPostEventCapturedWarm(b *testing.B) {
	benchUserAgents(b, func(int) string { return safariIPhone })
}

// BenchmarkPostEventCapturedCold sends a user agent the cache has not seen each time.
func BenchmarkPostEventCapturedCold(b *testing.B) {
	benchUserAgents(b, func(i int) string { return safariIPhone + " app/" + strconv.Itoa(i) })
}

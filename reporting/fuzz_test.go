package reporting_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// FuzzStatsQuery sends any raw query string to /stats, as the handler receives it, and requires an answer
// below 500 that is JSON: the stats shape on a 200, the seed's error shape otherwise. Its seed corpus
// (the nasty queries and a few valid ones) runs with every `go test`.
func FuzzStatsQuery(f *testing.F) {
	pool := testenv.Database(f)
	_, err := processor.NewStore(pool).Apply(context.Background(), []event.Event{
		ev("1", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
		ev("2", "s", "click", "/b", "u2", "2025-11-12T11:00:00Z"),
	})
	require.NoError(f, err)
	h := handler(pool)

	for _, tc := range nastyQueries {
		f.Add(tc.query)
	}
	f.Add("site_id=s&date=2025-11-12")
	f.Add("site_id=s")
	f.Add("site_id=nobody&date=2024-02-29")

	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest(http.MethodGet, "/stats", nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		requireClientAnswer(t, response{status: rec.Code, contentType: rec.Header().Get("Content-Type"), body: rec.Body.Bytes()})
	})
}

package reporting_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// handler returns the reporting API on pool.
func handler(pool *pgxpool.Pool) http.Handler {
	return reporting.NewAPI(reporting.NewStore(pool), nil, pool.Ping, slog.New(slog.DiscardHandler)).Routes()
}

// newServer serves the reporting API on a fresh database holding events.
func newServer(t *testing.T, events ...event.Event) string {
	t.Helper()
	pool := testenv.Database(t)
	if len(events) > 0 {
		_, err := processor.NewStore(pool).Apply(context.Background(), events)
		require.NoError(t, err)
	}
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Reporting, handler(pool)))
	t.Cleanup(srv.Close)
	return srv.URL
}

// response is what a request got back.
type response struct {
	status      int
	contentType string
	body        []byte
}

// get requests path with rawQuery sent exactly as given.
func get(t *testing.T, url, path, rawQuery string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+path, nil)
	require.NoError(t, err)
	req.URL.RawQuery = rawQuery
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), body: body}
}

// stats is the seed's /stats response.
type stats struct {
	SiteID      string      `json:"site_id"`
	Date        string      `json:"date"`
	TotalViews  int64       `json:"total_views"`
	UniqueUsers int64       `json:"unique_users"`
	TopPaths    []pathViews `json:"top_paths"`
}

type pathViews struct {
	Path  string `json:"path"`
	Views int64  `json:"views"`
}

// decodeStats checks a 200 with exactly the seed's fields, top_paths never null, and decodes it.
func decodeStats(t *testing.T, r response) stats {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.Contains(t, r.contentType, "application/json")
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(r.body, &fields), "body: %s", r.body)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	require.ElementsMatch(t, []string{"site_id", "date", "total_views", "unique_users", "top_paths"}, keys)
	require.NotEqual(t, "null", string(fields["top_paths"]), "top_paths is a list, never null")

	var s stats
	dec := json.NewDecoder(strings.NewReader(string(r.body)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&s))
	return s
}

// errorMessages checks the seed's error shape {"error":["…", …]} and returns the messages.
func errorMessages(t *testing.T, r response) []string {
	t.Helper()
	require.Contains(t, r.contentType, "application/json")
	var body struct {
		Error []string `json:"error"`
	}
	dec := json.NewDecoder(strings.NewReader(string(r.body)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&body), "body: %s", r.body)
	require.NotEmpty(t, body.Error, "body: %s", r.body)
	return body.Error
}

func ev(id, site, typ, path, user, timestamp string) event.Event {
	ts, err := time.Parse(time.RFC3339, timestamp)
	if err != nil {
		panic(err)
	}
	return event.Event{EventID: id, SiteID: site, EventType: typ, Path: path, UserID: user, Timestamp: ts}
}

// requireClientAnswer checks that r is below 500 and is JSON: stats on a 200, the error shape otherwise.
func requireClientAnswer(t *testing.T, r response) {
	t.Helper()
	require.Less(t, r.status, 500, "body: %s", r.body)
	if r.status == http.StatusOK {
		decodeStats(t, r)
		return
	}
	require.GreaterOrEqual(t, r.status, 400, "body: %s", r.body)
	errorMessages(t, r)
}

func containsMessage(msgs []string, want string) bool {
	for _, m := range msgs {
		if strings.Contains(m, want) {
			return true
		}
	}
	return false
}

package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// generatedID is the shape of an id the services make: host/random-counter.
const generatedID = `^.+/.{10}-\d{6,}$`

// logged serves a router with Log and a route /things/{id} answering 201 "hello" (or 503 through
// LogError for id "broken") on a real listener, logging JSON at level into the returned buffer.
func logged(t *testing.T, level slog.Level) (addr string, logs *logBuffer) {
	t.Helper()
	logs = &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level}))
	r := chi.NewRouter()
	r.Use(httpapi.Log(log), httpapi.Recoverer)
	r.NotFound(httpapi.NotFound)
	r.Get("/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		if chi.URLParam(r, "id") == "broken" {
			httpapi.LogError(log, w, r, "things are broken", "err", "disk on fire")
			httpapi.WriteError(w, http.StatusServiceUnavailable, "retry later")
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("hello"))
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), logs
}

func TestLogOneLinePerRequestAtDebug(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		clientID string // raw header value, "" for none
		wantID   string // the id expected, or a pattern when it is made
		route    string
		target   string
		status   float64
	}{
		{name: "client_id_kept", clientID: "client-42", wantID: "^client-42$", route: "/things/{id}", target: "/things/7?token=s3cret", status: 201},
		{name: "no_client_id", wantID: generatedID, route: "/things/{id}", target: "/things/7", status: 201},
		{name: "oversize_client_id_replaced", clientID: strings.Repeat("x", 201), wantID: generatedID, route: "/things/{id}", target: "/things/7", status: 201},
		{name: "non_ascii_client_id_replaced", clientID: "caf\xc3\xa9\t<script>", wantID: generatedID, route: "/things/{id}", target: "/things/7", status: 201},
		{name: "unknown_route", clientID: "client-43", wantID: "^client-43$", route: "unmatched", target: "/secret-path?password=s3cret", status: 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr, logs := logged(t, slog.LevelDebug)
			var headers []string
			if tc.clientID != "" {
				headers = append(headers, "X-Request-Id: "+tc.clientID)
			}
			a, err := exchange(addr, request("GET", tc.target, "", headers...), 1, 10*time.Second)
			require.NoError(t, err)
			require.Len(t, a.responses, 1)
			id := a.responses[0].header.Get("X-Request-Id")
			require.Regexp(t, tc.wantID, id, "the answer carries the request id")

			lines := logs.lines(t)
			require.Len(t, lines, 1, "one line per request: %s", logs.String())
			line := lines[0]
			require.Equal(t, "DEBUG", line["level"])
			require.Equal(t, "request", line["msg"])
			require.Equal(t, "GET", line["method"])
			require.Equal(t, tc.route, line["route"])
			require.Equal(t, tc.status, line["status"])
			require.Equal(t, float64(len(a.responses[0].body)), line["bytes"])
			require.Contains(t, line, "duration")
			require.Equal(t, id, line["request_id"])
			require.NotContains(t, logs.String(), "s3cret")
			require.NotContains(t, logs.String(), "secret-path")
			require.NotContains(t, logs.String(), "127.0.0.1")
		})
	}
}

func TestLogAddsNothingWithDebugOff(t *testing.T) {
	t.Parallel()
	addr, logs := logged(t, slog.LevelInfo)
	a, err := exchange(addr, request("GET", "/things/7", ""), 1, 10*time.Second)
	require.NoError(t, err)
	require.Equal(t, 201, a.responses[0].status)
	require.Empty(t, a.responses[0].header.Get("X-Request-Id"), "no id is made for a request that is not logged")
	require.Empty(t, logs.String())
}

func TestLogErrorCarriesTheRequestID(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		level    slog.Level
		clientID string
		wantID   string
	}{
		{name: "debug_off_client_id", level: slog.LevelInfo, clientID: "client-44", wantID: "^client-44$"},
		{name: "debug_off_no_client_id", level: slog.LevelInfo, wantID: generatedID},
		{name: "debug_on_no_client_id", level: slog.LevelDebug, wantID: generatedID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr, logs := logged(t, tc.level)
			var headers []string
			if tc.clientID != "" {
				headers = append(headers, "X-Request-Id: "+tc.clientID)
			}
			a, err := exchange(addr, request("GET", "/things/broken", "", headers...), 1, 10*time.Second)
			require.NoError(t, err)
			require.Equal(t, 503, a.responses[0].status)
			id := a.responses[0].header.Get("X-Request-Id")
			require.Regexp(t, tc.wantID, id)
			var errorLines []map[string]any
			for _, line := range logs.lines(t) {
				if line["level"] == "ERROR" {
					errorLines = append(errorLines, line)
				}
			}
			require.Len(t, errorLines, 1, "one error line: %s", logs.String())
			require.Equal(t, "things are broken", errorLines[0]["msg"])
			require.Equal(t, id, errorLines[0]["request_id"], "the error line and the answer carry the same id")
			require.Equal(t, "/things/{id}", errorLines[0]["route"])
			b, _ := json.Marshal(errorLines[0])
			require.Contains(t, string(b), "disk on fire")
		})
	}
}

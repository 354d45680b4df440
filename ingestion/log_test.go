package ingestion_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// lockedBuffer is a log destination safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// errorLines returns the ERROR lines logged so far, decoded.
func (b *lockedBuffer) errorLines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), "log line: %q", line)
		if m["level"] == "ERROR" {
			out = append(out, m)
		}
	}
	return out
}

// TestErrorLineCarriesRequestID sends events while the broker is down, with debug logging off: each
// 503 is logged once at error level with the request's id, which the answer carries too.
func TestErrorLineCarriesRequestID(t *testing.T) {
	t.Parallel()
	cfg := unreachableRedis(t)
	client := testenv.RedisClient(t, cfg)
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ready := func(ctx context.Context) error { return messaging.PingRedis(ctx, client) }
	api := ingestion.NewAPI(messaging.NewRedisPublisher(client, cfg.PublishTimeout), cfg.Stream, ready, log)
	t.Cleanup(api.Close)
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Ingestion, api.Routes()))
	t.Cleanup(srv.Close)

	cases := []struct {
		name, path, body, clientID string
	}{
		{name: "event_with_client_id", path: "/event", body: eventJSON(nil), clientID: "client-77"},
		{name: "events_without_client_id", path: "/events", body: "[" + eventJSON(nil) + "]"},
	}
	for i, tc := range cases {
		req, err := http.NewRequest(http.MethodPost, srv.URL+tc.path, strings.NewReader(tc.body))
		require.NoError(t, err)
		if tc.clientID != "" {
			req.Header.Set("X-Request-Id", tc.clientID)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, tc.name)
		id := res.Header.Get("X-Request-Id")
		if tc.clientID != "" {
			require.Equal(t, tc.clientID, id, tc.name)
		} else {
			require.Regexp(t, `^.+/.{10}-\d{6,}$`, id, tc.name)
		}
		lines := logs.errorLines(t)
		require.Len(t, lines, i+1, "%s: one error line per failed request", tc.name)
		require.Equal(t, id, lines[i]["request_id"], tc.name)
		require.Equal(t, tc.path, lines[i]["route"], tc.name)
	}
}

package reporting_test

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

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/reporting"
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

// TestErrorLineCarriesRequestID reads /stats with Postgres gone, debug logging off, and a secret in the
// query string: the 503 is logged once at error level with the request's id and without the query.
func TestErrorLineCarriesRequestID(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), testenv.DatabaseURL(t))
	require.NoError(t, err)
	pool.Close()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Reporting, reporting.NewAPI(reporting.NewStore(pool), nil, pool.Ping, log).Routes()))
	t.Cleanup(srv.Close)

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/stats?site_id=s&date=2025-11-12&token=query-secret", nil)
	require.NoError(t, err)
	req.Header.Set("X-Request-Id", "client-88")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.Equal(t, "client-88", res.Header.Get("X-Request-Id"))

	logs.mu.Lock()
	text := logs.buf.String()
	logs.mu.Unlock()
	require.NotContains(t, text, "query-secret")
	var errorLines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), "log line: %q", line)
		if m["level"] == "ERROR" {
			errorLines = append(errorLines, m)
		}
	}
	require.Len(t, errorLines, 1, "logs: %s", text)
	require.Equal(t, "client-88", errorLines[0]["request_id"])
	require.Equal(t, "/stats", errorLines[0]["route"])
}

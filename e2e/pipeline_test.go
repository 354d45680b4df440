// Package e2e_test runs the three services in-process against real Postgres and Redis and checks what
// /stats reports for events posted over HTTP.
package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// pipeline is the three services running in this process on their own database and stream.
type pipeline struct {
	ingestionURL string
	reportingURL string
}

// startPipeline runs ingestion, processor and reporting until the test ends, then checks that each
// shut down cleanly.
func startPipeline(t *testing.T) pipeline {
	t.Helper()
	dbURL := testenv.DatabaseURL(t)
	msgCfg := testenv.Messaging(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())

	ingestLn := listen(t)
	reportLn := listen(t)
	errs := make(chan error, 3)
	go func() {
		errs <- ingestion.Serve(ctx, ingestion.Config{Messaging: msgCfg, ShutdownTimeout: 5 * time.Second}, ingestLn, log)
	}()
	go func() {
		errs <- processor.Run(ctx, processor.Config{DatabaseURL: dbURL, Concurrency: 4, Messaging: msgCfg}, log)
	}()
	go func() {
		errs <- reporting.Serve(ctx, reporting.Config{DatabaseURL: dbURL, ShutdownTimeout: 5 * time.Second, StatsCacheSize: 1000}, reportLn, log)
	}()
	t.Cleanup(func() {
		cancel()
		for range 3 {
			require.NoError(t, <-errs, "a service did not shut down cleanly")
		}
	})
	return pipeline{ingestionURL: "http://" + ingestLn.Addr().String(), reportingURL: "http://" + reportLn.Addr().String()}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// post sends body as JSON and decodes the answer into out, returning the status.
func post(t *testing.T, url string, body any, out any) int {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	return resp.StatusCode
}

// stats is the seed's /stats response.
type stats struct {
	SiteID      string `json:"site_id"`
	Date        string `json:"date"`
	TotalViews  int64  `json:"total_views"`
	UniqueUsers int64  `json:"unique_users"`
	TopPaths    []struct {
		Path  string `json:"path"`
		Views int64  `json:"views"`
	} `json:"top_paths"`
}

// waitForStats polls /stats until it equals want, failing with the last answer after a generous bound.
func waitForStats(t *testing.T, p pipeline, query string, want string) {
	t.Helper()
	var last string
	ok := assert.Eventually(t, func() bool {
		resp, err := http.Get(p.reportingURL + "/stats?" + query)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		last = string(bytes.TrimSpace(b))
		return resp.StatusCode == http.StatusOK && last == want
	}, 30*time.Second, 50*time.Millisecond)
	if !ok {
		t.Fatalf("/stats?%s never answered\nwant %s\nlast %s", query, want, last)
	}
}

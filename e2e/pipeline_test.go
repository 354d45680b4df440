// Package e2e_test is the conformance suite: the services run in this process on each broker (the running
// Redis, a Kafka-protocol server started in-process, the in-process memory broker of the all-in-one
// wiring) against a real Postgres, and /stats must report exactly what was posted over HTTP.
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
	"github.com/analytics-pipeline/analytics/internal/allinone"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// pipeline is the three services running in this process on their own database and topic.
type pipeline struct {
	broker       string
	ingestionURL string
	reportingURL string
	databaseURL  string
}

// shutdownTimeout bounds each service's graceful shutdown in the tests.
const shutdownTimeout = 5 * time.Second

// startPipeline runs ingestion, processor and reporting on broker until the test ends, then checks that
// each shut down cleanly. With redis and kafka the services are wired as separate processes would be,
// each with its own broker client; with memory they run as the all-in-one binary does. Each option
// edits ingestion's configuration, given the pipeline's database.
func startPipeline(t *testing.T, broker string, options ...func(cfg *ingestion.Config, databaseURL string)) pipeline {
	t.Helper()
	msgCfg := testenv.Broker(t, broker)
	dbURL := testenv.ProcessorDatabaseURL(t, msgCfg)
	ctx, cancel := context.WithCancel(context.Background())
	ingestLn := listen(t)
	reportLn := listen(t)
	p := pipeline{broker: broker, ingestionURL: "http://" + ingestLn.Addr().String(), reportingURL: "http://" + reportLn.Addr().String(), databaseURL: dbURL}

	ingestCfg := ingestion.Config{Messaging: msgCfg, ShutdownTimeout: shutdownTimeout}
	for _, option := range options {
		option(&ingestCfg, dbURL)
	}
	procCfg := processor.Config{DatabaseURL: dbURL, Concurrency: 4, Messaging: msgCfg, ShutdownTimeout: shutdownTimeout}
	reportCfg := reporting.Config{DatabaseURL: dbURL, ShutdownTimeout: shutdownTimeout}
	if broker == messaging.BrokerMemory {
		done := make(chan error, 1)
		go func() {
			done <- allinone.Serve(ctx, allinone.Config{Ingestion: ingestCfg, Processor: procCfg, Reporting: reportCfg}, ingestLn, reportLn, discard())
		}()
		t.Cleanup(func() {
			cancel()
			require.NoError(t, <-done, "the all-in-one process did not shut down cleanly")
		})
		return p
	}
	errs := make(chan error, 3)
	go func() { errs <- ingestion.Serve(ctx, ingestCfg, ingestLn, discard()) }()
	go func() { errs <- processor.Run(ctx, procCfg, discard()) }()
	go func() { errs <- reporting.Serve(ctx, reportCfg, reportLn, discard()) }()
	t.Cleanup(func() {
		cancel()
		for range 3 {
			require.NoError(t, <-errs, "a service did not shut down cleanly")
		}
	})
	return p
}

func discard() *slog.Logger {
	return slog.New(slog.DiscardHandler)
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

// waitForStats polls /stats until it equals want, failing with the last answer after a generous bound.
func waitForStats(t *testing.T, reportingURL string, query string, want string) {
	t.Helper()
	var last string
	ok := assert.Eventually(t, func() bool {
		resp, err := http.Get(reportingURL + "/stats?" + query)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		last = string(bytes.TrimSpace(b))
		return resp.StatusCode == http.StatusOK && last == want
	}, 60*time.Second, 50*time.Millisecond)
	if !ok {
		t.Fatalf("/stats?%s never answered\nwant %s\nlast %s", query, want, last)
	}
}

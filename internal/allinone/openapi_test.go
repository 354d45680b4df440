package allinone_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/allinone"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// TestOpenAPIOnBothPorts runs the all-in-one process: its ingestion port answers GET /openapi.json with
// ingestion's document and its reporting port with reporting's, as the services alone do.
func TestOpenAPIOnBothPorts(t *testing.T) {
	t.Parallel()
	msgCfg := testenv.Broker(t, messaging.BrokerMemory)
	dbURL := testenv.ProcessorDatabaseURL(t, msgCfg)
	cfg := allinone.Config{
		Ingestion: ingestion.Config{Messaging: msgCfg, ShutdownTimeout: time.Second},
		Processor: processor.Config{DatabaseURL: dbURL, Messaging: msgCfg, ShutdownTimeout: time.Second},
		Reporting: reporting.Config{DatabaseURL: dbURL, ShutdownTimeout: time.Second},
	}
	ingestLn, reportLn := listen(t), listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- allinone.Serve(ctx, cfg, ingestLn, reportLn, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; !errors.Is(err, context.Canceled) { // stopped during start-up, as cli.Main allows
			require.NoError(t, err)
		}
	})

	for service, addr := range map[openapi.Service]string{openapi.Ingestion: ingestLn.Addr().String(), openapi.Reporting: reportLn.Addr().String()} {
		var res *http.Response
		var err error
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if res, err = http.Get("http://" + addr + "/openapi.json"); err == nil {
				break
			}
		}
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", service, body)
		want, err := openapi.Document(service)
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(body), "%s", service)
	}
}

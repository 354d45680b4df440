package allinone_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/allinone"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// serveAllInOne runs the all-in-one process on the memory broker and a fresh database until the test
// ends, and returns the base URLs of its ingestion and reporting ports.
func serveAllInOne(t *testing.T) (ingestURL, reportURL string) {
	t.Helper()
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
	return "http://" + ingestLn.Addr().String(), "http://" + reportLn.Addr().String()
}

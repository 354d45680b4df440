package processor_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
)

// startProcessor runs a processor with cfg on a broker of its own until the test ends, and then requires
// that it stopped without an error. It records metrics, as every processor that Serve runs does, so that
// the tests run the router with Watermill's metrics decorators and middleware in it.
func startProcessor(t *testing.T, cfg processor.Config) *processor.Processor {
	t.Helper()
	broker, err := messaging.NewBroker(cfg.Messaging, discard())
	require.NoError(t, err)
	t.Cleanup(func() { broker.Close() })
	p := processor.New(cfg, broker, discard(), processor.WithMetrics(prometheus.NewRegistry()))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		require.NoError(t, <-done)
	})
	return p
}

func discard() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}

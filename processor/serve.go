package processor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Run listens on METRICS_PORT, then builds the configured broker and runs a processor on it until ctx is
// cancelled (Serve).
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.MetricsPort))
	if err != nil {
		return fmt.Errorf("METRICS_PORT=%d: %w", cfg.MetricsPort, err)
	}
	return Serve(ctx, cfg, ln, log)
}

// Serve builds the configured broker and runs a processor on it until ctx is cancelled, recording its
// metrics in a registry of its own (with Go's runtime and process collectors) that it serves on ln
// (MetricsRoutes). The metrics server stops after the processor, so that scrapes still answer while the
// last batch commits; if it fails, the processor is stopped.
func Serve(ctx context.Context, cfg Config, ln net.Listener, log *slog.Logger) error {
	defer ln.Close()
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	broker, err := messaging.NewBroker(cfg.Messaging, log)
	if err != nil {
		return err
	}
	defer broker.Close()
	reg := metrics.NewRegistry()

	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	serveCtx, stopServing := context.WithCancel(context.WithoutCancel(ctx))
	served := make(chan error, 1)
	go func() {
		err := httpapi.Serve(serveCtx, ln, MetricsRoutes(reg), cfg.ShutdownTimeout, log.With("part", "metrics"))
		if err != nil {
			stopRun()
		}
		served <- err
	}()
	err = New(cfg, broker, log, WithMetrics(reg)).Run(runCtx)
	stopServing()
	if serveErr := <-served; serveErr != nil {
		return errors.Join(err, fmt.Errorf("metrics server: %w", serveErr))
	}
	return err
}

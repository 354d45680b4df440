// Package allinone runs ingestion, the processor and reporting in one process on one broker: the
// all-in-one binary, and the only place where BROKER=memory (an in-process broker) can work.
package allinone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// Config is the three services' configurations, read from the same environment variables as each
// service alone.
type Config struct {
	Ingestion ingestion.Config `envPrefix:""`
	Processor processor.Config `envPrefix:""`
	Reporting reporting.Config `envPrefix:""`
}

// Validate reports the settings of the three services that cannot work.
func (c Config) Validate() error {
	return errors.Join(c.Ingestion.Validate(), c.Processor.Validate(), c.Reporting.Validate())
}

// Run listens on INGESTION_PORT and REPORTING_PORT and serves until ctx is cancelled.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	ingestLn, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Ingestion.Port))
	if err != nil {
		return fmt.Errorf("listen for ingestion: %w", err)
	}
	reportLn, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Reporting.Port))
	if err != nil {
		ingestLn.Close()
		return fmt.Errorf("listen for reporting: %w", err)
	}
	return Serve(ctx, cfg, ingestLn, reportLn, log)
}

// Serve applies the migrations as the migrate command does (the all-in-one binary is a whole deployment
// by itself), then runs the three services, ingestion on ingestLn and reporting on reportLn, with one
// broker built from the processor's messaging configuration and shared by ingestion and the processor.
// When ctx ends (or a service fails) ingestion stops first; then the processor is given SHUTDOWN_TIMEOUT
// to finish what the broker still holds (only memory needs this: it keeps nothing across runs), and the
// processor and reporting stop. The three services record their metrics into one registry (the HTTP
// metrics told apart by the service label), which ingestion and reporting each serve on GET /metrics.
func Serve(ctx context.Context, cfg Config, ingestLn, reportLn net.Listener, log *slog.Logger) error {
	defer ingestLn.Close()
	defer reportLn.Close()
	cfg.Processor.SetDefaults()
	cfg.Reporting.SetDefaults()
	if err := migrate(ctx, cfg, log); err != nil {
		return err
	}
	broker, err := messaging.NewBroker(cfg.Processor.Messaging, log, messaging.Shared())
	if err != nil {
		return err
	}
	defer broker.Close()
	reg := metrics.NewRegistry()

	ingestCtx, stopIngestion := context.WithCancel(context.WithoutCancel(ctx))
	defer stopIngestion()
	restCtx, stopRest := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRest()

	ingested := make(chan error, 1)
	rest := make(chan error, 2)
	go func() {
		ingested <- ingestion.ServeOn(ingestCtx, cfg.Ingestion, ingestLn, broker, reg, log.With("part", "ingestion"))
	}()
	go func() {
		rest <- processor.New(cfg.Processor, broker, log.With("part", "processor"), processor.WithMetrics(reg)).Run(restCtx)
	}()
	go func() {
		rest <- reporting.ServeWith(restCtx, cfg.Reporting, reportLn, reg, log.With("part", "reporting"))
	}()

	var errs []error
	restLeft := 2
	select {
	case <-ctx.Done():
	case err := <-ingested:
		errs = append(errs, fmt.Errorf("ingestion stopped: %w", err))
		ingested = nil
	case err := <-rest:
		errs = append(errs, fmt.Errorf("processor or reporting stopped: %w", err))
		restLeft--
	}
	stopIngestion()
	if ingested != nil {
		if err := <-ingested; err != nil {
			errs = append(errs, err)
		}
	}
	if restLeft == 2 {
		drainCtx, cancel := context.WithTimeout(context.Background(), cfg.Processor.ShutdownTimeout)
		if err := broker.Drain(drainCtx); err != nil {
			log.Warn("the processor did not finish the broker's messages in time; they are lost", "broker", broker.Name(), "err", err)
		}
		cancel()
	}
	stopRest()
	for range restLeft {
		if err := <-rest; err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// migrate does what the migrate command does: it applies the migrations to the processor's database and
// creates the poison table of the processor's POISON_TOPIC there, and migrates reporting's database too
// when it is another.
func migrate(ctx context.Context, cfg Config, log *slog.Logger) error {
	if err := cfg.Processor.Validate(); err != nil {
		return fmt.Errorf("processor config: %w", err)
	}
	if err := cfg.Reporting.Validate(); err != nil {
		return fmt.Errorf("reporting config: %w", err)
	}
	poisonTable := func(ctx context.Context, pool *pgxpool.Pool) error {
		return messaging.CreatePoisonTable(ctx, pool, cfg.Processor.Messaging.PoisonTopic)
	}
	if err := database.Migrate(ctx, cfg.Processor.DatabaseURL, log, poisonTable); err != nil {
		return err
	}
	if cfg.Reporting.DatabaseURL != cfg.Processor.DatabaseURL {
		return database.Migrate(ctx, cfg.Reporting.DatabaseURL, log)
	}
	return nil
}

package processor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/messaging"
)

// applyMargin is how much longer than PG_STATEMENT_TIMEOUT a write may take before the processor gives
// up on it: enough for a connection and a round trip, so that Postgres, which keeps the connection and
// answers 57014, is normally the one that ends a slow statement.
const applyMargin = 5 * time.Second

// Processor consumes the events' topic through a broker and projects the events into Postgres.
type Processor struct {
	cfg        Config
	broker     *messaging.Broker
	log        *slog.Logger
	registerer prometheus.Registerer
	handled    atomic.Int64
	running    chan struct{}
}

// New returns a processor reading through broker, which the caller owns (and may share with ingestion in
// the same process). cfg.Messaging must be the configuration broker was built from. It serves no HTTP:
// Serve does, or, in a process of several services, the caller serves the registry given WithMetrics.
func New(cfg Config, broker *messaging.Broker, log *slog.Logger, opts ...Option) *Processor {
	cfg.SetDefaults()
	p := &Processor{cfg: cfg, broker: broker, log: log, running: make(chan struct{})}
	for _, opt := range opts {
		opt(p)
	}
	return p
}

// Running is closed once every subscriber of the processor has subscribed.
func (p *Processor) Running() <-chan struct{} {
	return p.running
}

// Handled is how many stream entries (messages as their producers published them, whether handed out
// alone or in runs) this processor has projected and acknowledged.
func (p *Processor) Handled() int64 {
	return p.handled.Load()
}

// Run waits for Postgres and the broker, checks that the schema is current and that the poison table of
// POISON_TOPIC exists (it does not migrate, and poisoning runs no DDL; either missing is an error at
// once), and consumes the topic until ctx is cancelled, then stops reading, lets the batch in flight
// commit and returns. A processor runs once.
func (p *Processor) Run(ctx context.Context) error {
	cfg, log := p.cfg, p.log
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	// Metrics are there from the start, the queue's gauges too: a scrape tells that a processor waits.
	measured, err := newBatchMetrics(p.registerer)
	if err != nil {
		return err
	}
	if p.registerer != nil {
		queue := messaging.NewQueueCollector(p.broker)
		if err := p.registerer.Register(queue); err != nil {
			return fmt.Errorf("register queue metrics: %w", err)
		}
		defer p.registerer.Unregister(queue)
	}
	cfg.DatabaseURL = database.WithStatementTimeout(cfg.DatabaseURL, cfg.StatementTimeout)
	pool, err := database.OpenCurrent(ctx, cfg.DatabaseURL, 0, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	if p.registerer != nil {
		stats := metrics.NewPoolCollector("processor", pool)
		if err := p.registerer.Register(stats); err != nil {
			return fmt.Errorf("register pool metrics: %w", err)
		}
		defer p.registerer.Unregister(stats)
	}
	if err := messaging.CheckPoisonTable(ctx, pool, cfg.Messaging.PoisonTopic); err != nil {
		return err
	}
	if err := p.broker.WaitReady(ctx); err != nil {
		return err
	}

	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	// Watermill reports every handler start and stop at info; that is detail for debugging.
	wmLog := watermill.NewSlogLoggerWithLevelMapping(log, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
	poison, err := messaging.NewPostgresPoisonPublisher(db, wmLog)
	if err != nil {
		return err
	}
	router, err := messaging.NewRouter(cfg.Messaging, poison, cfg.ShutdownTimeout, wmLog, messaging.WithRouterMetrics(p.registerer))
	if err != nil {
		return err
	}

	consumers := messaging.ConsumerNames(cfg.Messaging, cfg.Concurrency)
	resumed, err := p.broker.Resume(ctx, consumers)
	if err != nil {
		return err
	}
	batcher := NewBatcher(measuredApplier{NewStore(pool), measured}, cfg.BatchSize, cfg.BatchWait, cfg.Writers, cfg.StatementTimeout+applyMargin)
	handler := NewHandler(batcher, cfg.MaxMessageEvents)
	handle := func(msg *message.Message) error {
		err := handler.Handle(msg)
		if err == nil {
			p.handled.Add(int64(len(messaging.Entries(msg))))
		}
		return err
	}
	topic := p.broker.Topic()
	var subs []message.Subscriber
	// The router closes its subscribers when it stops, but not those of a start-up it abandons.
	defer func() {
		for _, sub := range subs {
			sub.Close()
		}
	}()
	for i, name := range consumers {
		// Runs carry many small entries through the router at once; the router from NewRouter splits a
		// failed run so that each entry is retried and poisoned on its own.
		sub, err := p.broker.NewSubscriber(name, messaging.WithRuns())
		if err != nil {
			return err
		}
		subs = append(subs, sub)
		router.AddNoPublisherHandler(fmt.Sprintf("project_events_%d", i), topic, sub, handle)
	}

	batchCtx, stopBatcher := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { batcher.Run(batchCtx) })
	wg.Go(func() { reportQueue(ctx, cfg.StatusInterval, p.broker, log) })
	wg.Go(func() { p.broker.KeepTrimmed(ctx) })
	if cfg.RawEventsRetention > 0 {
		retention := NewRetention(pool, cfg.RawEventsRetention, cfg.RetentionBatchSize)
		wg.Go(func() { keepRetained(ctx, retention, cfg.RetentionInterval, log) })
	}
	defer func() {
		stopBatcher()
		wg.Wait()
	}()

	go func() {
		select {
		case <-router.Running():
			close(p.running)
		case <-ctx.Done():
		}
	}()
	log.Info("processor started", "broker", p.broker.Name(), "topic", topic, "consumers", len(consumers),
		"resumed_own_pending", resumed, "batch_size", cfg.BatchSize, "writers", cfg.Writers, "batch_wait", cfg.BatchWait,
		"raw_events_retention", cfg.RawEventsRetention)
	if err := router.Run(ctx); err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			log.Info("processor stopped during start-up")
			return nil
		}
		return fmt.Errorf("router: %w", err)
	}
	log.Info("processor stopped", "handled", p.handled.Load())
	return nil
}

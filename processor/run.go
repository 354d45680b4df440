package processor

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Run applies migrations and consumes the stream until ctx is cancelled, then stops reading, lets the
// batch in flight commit and returns.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	pool, err := database.OpenMigrated(ctx, cfg.DatabaseURL, 0, log)
	if err != nil {
		return err
	}
	defer pool.Close()

	// Watermill reports every handler and subscriber start and stop at info; that is detail for debugging.
	wmLog := watermill.NewSlogLoggerWithLevelMapping(log, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
	client := messaging.NewRedisClient(cfg.Messaging, 0)
	defer client.Close()
	if err := messaging.WaitForRedis(ctx, client, log); err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	poison, err := messaging.NewPostgresPoisonPublisher(db, wmLog)
	if err != nil {
		return err
	}
	router, err := messaging.NewRouter(cfg.Messaging, poison, cfg.ShutdownTimeout, wmLog)
	if err != nil {
		return err
	}

	consumers := messaging.ConsumerNames(cfg.Messaging, cfg.Concurrency)
	reclaimed, err := messaging.ReclaimOwn(ctx, client, cfg.Messaging, consumers)
	if err != nil {
		return err
	}
	batcher := NewBatcher(NewStore(pool), cfg.BatchSize, cfg.BatchWait, cfg.Writers)
	handler := NewHandler(batcher)
	for i, name := range consumers {
		// A subscriber closes its client when it stops, so each one gets its own.
		sub, err := messaging.NewRedisSubscriber(cfg.Messaging, messaging.NewRedisClient(cfg.Messaging, 4), name, wmLog)
		if err != nil {
			return err
		}
		router.AddNoPublisherHandler(fmt.Sprintf("project_events_%d", i), cfg.Messaging.Stream, sub, handler.Handle)
	}

	batchCtx, stopBatcher := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { batcher.Run(batchCtx) })
	wg.Go(func() { reportQueue(ctx, cfg.StatusInterval, client, cfg.Messaging, log) })
	defer func() {
		stopBatcher()
		wg.Wait()
	}()

	log.Info("processor started", "stream", cfg.Messaging.Stream, "group", cfg.Messaging.ConsumerGroup,
		"consumers", cfg.Concurrency, "reclaimed_own_pending", reclaimed, "batch_size", cfg.BatchSize, "writers", cfg.Writers, "batch_wait", cfg.BatchWait)
	if err := router.Run(ctx); err != nil {
		return fmt.Errorf("router: %w", err)
	}
	log.Info("processor stopped")
	return nil
}

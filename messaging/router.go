package messaging

import (
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// NewRouter returns a router with the middleware stack, outermost first: throttle (when configured),
// poison queue (permanent errors and exhausted panics go to cfg.PoisonTopic on poison), splitting of
// failed runs (a run that fails is never poisoned but Nacked, and its subscriber hands its entries out
// again one by one, see WithRuns), rejection of undecodable stream entries, retry with exponential
// backoff (transient errors only), correlation id, recoverer.
func NewRouter(cfg Config, poison message.Publisher, closeTimeout time.Duration, logger watermill.LoggerAdapter) (*message.Router, error) {
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: closeTimeout}, logger)
	if err != nil {
		return nil, fmt.Errorf("new router: %w", err)
	}
	if cfg.ThrottlePerSecond > 0 {
		router.AddMiddleware(middleware.NewThrottle(cfg.ThrottlePerSecond, time.Second).Middleware)
	}
	poisonQueue, err := middleware.PoisonQueueWithFilter(poison, cfg.PoisonTopic, poisonable)
	if err != nil {
		return nil, fmt.Errorf("poison queue: %w", err)
	}
	retry := middleware.Retry{
		MaxRetries:      cfg.RetryMax,
		InitialInterval: cfg.RetryInitialInterval,
		MaxInterval:     cfg.RetryMaxInterval,
		Multiplier:      2,
		ShouldRetry: func(params middleware.RetryParams) bool {
			return !IsPermanent(params.Err)
		},
		Logger: logger,
	}
	router.AddMiddleware(poisonQueue, splitFailedRuns, rejectUndecodable, retry.Middleware, middleware.CorrelationID, middleware.Recoverer)
	return router, nil
}

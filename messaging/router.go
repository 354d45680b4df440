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
// backoff (transient errors only), correlation id, recoverer. WithRouterMetrics adds Watermill's metrics
// middleware after the throttle, so that its handler time covers retries and poisoning but not the
// throttle's wait, and counts retries and poisoned messages.
func NewRouter(cfg Config, poison message.Publisher, closeTimeout time.Duration, logger watermill.LoggerAdapter, opts ...RouterOption) (*message.Router, error) {
	var o routerOptions
	for _, opt := range opts {
		opt(&o)
	}
	counters, err := newRouterCounters(o.registerer)
	if err != nil {
		return nil, err
	}
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: closeTimeout}, logger)
	if err != nil {
		return nil, fmt.Errorf("new router: %w", err)
	}
	if cfg.ThrottlePerSecond > 0 {
		router.AddMiddleware(middleware.NewThrottle(cfg.ThrottlePerSecond, time.Second).Middleware)
	}
	addWatermillMetrics(router, o.registerer)
	poisonQueue, err := middleware.PoisonQueueWithFilter(countingPublisher{poison, counters.poisoned}, cfg.PoisonTopic, poisonable)
	if err != nil {
		return nil, fmt.Errorf("poison queue: %w", err)
	}
	retry := middleware.Retry{
		MaxRetries:      cfg.RetryMax,
		InitialInterval: cfg.RetryInitialInterval,
		MaxInterval:     cfg.RetryMaxInterval,
		Multiplier:      2,
		// Retry calls ShouldRetry after each failed attempt, the last included; OnRetryHook would miss
		// the first retry (Watermill calls it from the second on).
		ShouldRetry: func(params middleware.RetryParams) bool {
			if IsPermanent(params.Err) {
				return false
			}
			if params.RetryNum < cfg.RetryMax {
				counters.retries.Inc()
			}
			return true
		},
		Logger: logger,
	}
	router.AddMiddleware(poisonQueue, splitFailedRuns, rejectUndecodable, retry.Middleware, middleware.CorrelationID, middleware.Recoverer)
	return router, nil
}

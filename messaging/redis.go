package messaging

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sethvargo/go-retry"
)

// NewRedisClient connects to the configured Redis. Timeouts are short so that a dead broker surfaces as
// an error within seconds; poolSize is the connections the caller needs at once (0 means go-redis' default).
func NewRedisClient(cfg Config, poolSize int) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:        cfg.RedisAddr(),
		Password:    cfg.RedisPassword,
		DialTimeout: time.Second,
		// One quick retry of a failed dial, so that a dead broker is reported in well under a second.
		DialerRetries: 1,
		ReadTimeout:   cfg.PublishTimeout,
		WriteTimeout:  cfg.PublishTimeout,
		PoolSize:      poolSize,
		PoolTimeout:   cfg.PublishTimeout,
		MaxRetries:    1,
	})
}

// PingRedis reports whether Redis answers.
func PingRedis(ctx context.Context, client *redis.Client) error {
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis at %s: %w", client.Options().Addr, err)
	}
	return nil
}

// WaitForRedis pings Redis with backoff until it answers or ctx ends, so that a service can start before
// its broker.
func WaitForRedis(ctx context.Context, client *redis.Client, log *slog.Logger) error {
	backoff := retry.WithCappedDuration(5*time.Second, retry.NewExponential(100*time.Millisecond))
	return retry.Do(ctx, backoff, func(ctx context.Context) error {
		err := PingRedis(ctx, client)
		if err != nil {
			log.Warn("redis not ready; retrying", "err", err)
			return retry.RetryableError(err)
		}
		return nil
	})
}

// redisLogger routes go-redis's internal messages (failed dials and the like) to slog.
type redisLogger struct {
	log *slog.Logger
}

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}

// SetRedisLogger makes go-redis log through log instead of printing to stderr. go-redis has one logger
// per process, so mains call this once.
func SetRedisLogger(log *slog.Logger) {
	redis.SetLogger(redisLogger{log: log})
}

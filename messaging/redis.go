package messaging

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
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

// PingRedis reports whether Redis answers. Credentials it rejects give an error that matches
// ErrBrokerSetting.
func PingRedis(ctx context.Context, client *redis.Client) error {
	if err := client.Ping(ctx).Err(); err != nil {
		return redisPingError(client.Options().Addr, err)
	}
	return nil
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

package messaging

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// NewRedisClient connects to the configured Redis. Timeouts are short so that a dead broker surfaces as
// an error within seconds; poolSize is the connections the caller needs at once (0 means go-redis' default).
func NewRedisClient(cfg Config, poolSize int) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:         cfg.RedisAddr(),
		Password:     cfg.RedisPassword,
		DialTimeout:  time.Second,
		ReadTimeout:  cfg.PublishTimeout,
		WriteTimeout: cfg.PublishTimeout,
		PoolSize:     poolSize,
		PoolTimeout:  cfg.PublishTimeout,
		MaxRetries:   1,
	})
}

// PingRedis reports whether Redis answers.
func PingRedis(ctx context.Context, client *redis.Client) error {
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis at %s: %w", client.Options().Addr, err)
	}
	return nil
}

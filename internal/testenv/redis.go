package testenv

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/analytics-pipeline/analytics/messaging"
)

// Messaging returns a messaging config for the Redis at REDIS_HOST/REDIS_PORT with a stream, consumer
// group and poison topic unique to the test; the stream is deleted when the test ends. Retries are fast.
func Messaging(t testing.TB) messaging.Config {
	t.Helper()
	cfg := uniqueConfig(t)
	client := messaging.NewRedisClient(cfg, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := messaging.PingRedis(ctx, client); err != nil {
		client.Close()
		t.Fatalf("redis is unreachable: %v\n%s", err, howToStart)
	}
	t.Cleanup(func() {
		defer client.Close()
		if err := client.Del(context.Background(), cfg.Stream).Err(); err != nil {
			t.Errorf("delete test stream: %v", err)
		}
	})
	return cfg
}

// uniqueConfig returns a messaging config for the Redis at REDIS_HOST/REDIS_PORT with names unique to
// the test and fast retries.
func uniqueConfig(t testing.TB) messaging.Config {
	t.Helper()
	cfg := messaging.Config{RedisHost: os.Getenv("REDIS_HOST")}
	if p := os.Getenv("REDIS_PORT"); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("REDIS_PORT=%q: %v", p, err)
		}
		cfg.RedisPort = port
	}
	suffix := randomSuffix()
	cfg.Stream = "test_events_" + suffix
	cfg.ConsumerGroup = "test_processor_" + suffix
	cfg.KafkaTopic = "test_events_" + suffix
	cfg.KafkaConsumerGroup = "test_processor_" + suffix
	cfg.ConsumerName = "test_" + suffix
	cfg.PoisonTopic = "test_poison_" + suffix
	cfg.RetryMax = 2
	cfg.RetryInitialInterval = 10 * time.Millisecond
	cfg.RetryMaxInterval = 50 * time.Millisecond
	cfg.SetDefaults()
	return cfg
}

// RedisClient returns a client for cfg's Redis, closed when the test ends.
func RedisClient(t testing.TB, cfg messaging.Config) *redis.Client {
	t.Helper()
	client := messaging.NewRedisClient(cfg, 0)
	t.Cleanup(func() { client.Close() })
	return client
}

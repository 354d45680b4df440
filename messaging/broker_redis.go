package messaging

import (
	"context"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
)

// redisBackend is the Redis Streams broker: RedisPublisher, and consumer-group subscribers
// (redisSubscriber) with their own clients.
type redisBackend struct {
	cfg    Config
	client *redis.Client
	pub    *RedisPublisher
}

func newRedisBackend(cfg Config) *redisBackend {
	client := NewRedisClient(cfg, 0)
	return &redisBackend{cfg: cfg, client: client, pub: NewRedisPublisher(client, cfg.PublishTimeout)}
}

func (r *redisBackend) publisher() message.Publisher {
	return r.pub
}

func (r *redisBackend) newSubscriber(consumer string, logger watermill.LoggerAdapter) (message.Subscriber, error) {
	return r.newSubscriberWith(consumer, logger, nil)
}

func (r *redisBackend) newSubscriberWith(consumer string, logger watermill.LoggerAdapter, opts []SubscriberOption) (message.Subscriber, error) {
	// A subscriber closes its client when it stops, so each one gets its own: a connection each for its
	// blocking read, its claim loop, its acknowledgements and its PendingKeeper, and one to spare.
	return NewRedisSubscriber(r.cfg, NewRedisClient(r.cfg, 5), consumer, logger, opts...)
}

func (r *redisBackend) ready(ctx context.Context) error {
	return PingRedis(ctx, r.client)
}

func (r *redisBackend) resume(ctx context.Context, consumers []string) (int, error) {
	return ReclaimOwn(ctx, r.client, r.cfg, consumers)
}

func (r *redisBackend) status(ctx context.Context) (queueStatus, error) {
	return QueueStatus(ctx, r.client, r.cfg.Stream, r.cfg.ConsumerGroup)
}

func (r *redisBackend) drain(context.Context) error {
	return nil
}

func (r *redisBackend) close() error {
	return r.client.Close()
}

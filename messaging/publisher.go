package messaging

import (
	"context"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
)

// BrokerIDKey is the metadata key under which Publish records the id the broker gave each message
// (the Redis stream entry id).
const BrokerIDKey = "broker_id"

// RedisPublisher is a Watermill publisher for Redis Streams that sends all messages of one Publish call
// in a single pipelined round trip and records each entry id under BrokerIDKey. It writes the same
// entries as watermill-redisstream's publisher, so that package's subscriber reads them.
type RedisPublisher struct {
	client     *redis.Client
	marshaller redisstream.Marshaller
	timeout    time.Duration
}

// NewRedisPublisher returns a publisher on client; timeout bounds each Publish call.
func NewRedisPublisher(client *redis.Client, timeout time.Duration) *RedisPublisher {
	return &RedisPublisher{client: client, marshaller: redisstream.DefaultMarshallerUnmarshaller{}, timeout: timeout}
}

// Publish appends msgs to the stream named topic. When it returns nil, Redis holds every message.
func (p *RedisPublisher) Publish(topic string, msgs ...*message.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(msgs[0].Context(), p.timeout)
	defer cancel()

	pipe := p.client.Pipeline()
	cmds := make([]*redis.StringCmd, len(msgs))
	for i, msg := range msgs {
		values, err := p.marshaller.Marshal(topic, msg)
		if err != nil {
			return fmt.Errorf("marshal message %s: %w", msg.UUID, err)
		}
		cmds[i] = pipe.XAdd(ctx, &redis.XAddArgs{Stream: topic, Values: values})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("xadd to %s: %w", topic, err)
	}
	for i, cmd := range cmds {
		msgs[i].Metadata.Set(BrokerIDKey, cmd.Val())
	}
	return nil
}

// Close does nothing: the client belongs to the caller.
func (p *RedisPublisher) Close() error {
	return nil
}

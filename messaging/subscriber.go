package messaging

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
)

// NewRedisSubscriber returns a consumer-group subscriber named consumer. It owns client: closing the
// subscriber closes the client. A new group starts at the
// beginning of the stream, so events published before the first processor started are not missed.
//
// While the subscriber runs, a PendingKeeper keeps the entries it holds fresh (every quarter of
// CLAIM_IDLE), so that only the entries of a consumer that is gone are ever claimed by another: a handler
// retrying through a long outage keeps its message instead of each sibling starting on it too.
func NewRedisSubscriber(cfg Config, client *redis.Client, consumer string, logger watermill.LoggerAdapter) (message.Subscriber, error) {
	keeper := NewPendingKeeper(client, cfg.Stream, cfg.ConsumerGroup, consumer, max(cfg.ClaimIdle/4, time.Millisecond), logger)
	client.AddHook(heldEntries{keeper: keeper})
	sub, err := redisstream.NewSubscriber(redisstream.SubscriberConfig{
		Client:                        client,
		Unmarshaller:                  tolerantUnmarshaller{},
		Consumer:                      consumer,
		ConsumerGroup:                 cfg.ConsumerGroup,
		OldestId:                      "0",
		BlockTime:                     time.Second,
		ClaimInterval:                 cfg.ClaimInterval,
		MaxIdleTime:                   cfg.ClaimIdle,
		NackResendSleep:               cfg.RetryInitialInterval,
		DisableIndefiniteInitialBlock: true,
	}, logger)
	if err != nil {
		return nil, fmt.Errorf("redis subscriber %s: %w", consumer, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		keeper.Run(ctx)
	}()
	return keptSubscriber{Subscriber: sub, stopKeeper: func() { cancel(); <-stopped }}, nil
}

// keptSubscriber is a watermill-redisstream subscriber with the PendingKeeper of its entries.
type keptSubscriber struct {
	*redisstream.Subscriber
	stopKeeper func()
}

// Close stops the keeper, then the subscriber (which closes the client they share).
func (s keptSubscriber) Close() error {
	s.stopKeeper()
	return s.Subscriber.Close()
}

// ConsumerNames returns the stable consumer names of a process that wants n messages handled at once: the
// configured prefix (or the host name) followed by an index, so a restarted processor reads under the same
// names as before. A Redis or memory subscriber holds one message at a time, so there are n names. A Kafka
// subscriber hands out many messages at once (KAFKA_IN_FLIGHT_BYTES), so a process needs one group member:
// more would only split its partitions and rebalance the group each time one joins or leaves.
func ConsumerNames(cfg Config, n int) []string {
	if cfg.Broker == BrokerKafka {
		n = min(n, 1)
	}
	prefix := cfg.ConsumerName
	if prefix == "" {
		prefix, _ = os.Hostname()
	}
	if prefix == "" {
		prefix = "processor"
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return names
}

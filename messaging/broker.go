package messaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/sethvargo/go-retry"
)

// ErrMemoryNotShared is returned for BROKER=memory outside the all-in-one process: an in-process broker
// cannot carry events from one process to another.
var ErrMemoryNotShared = errors.New("BROKER=memory works only in the all-in-one binary (go run ./cmd/analytics), " +
	"where ingestion and the processor share one process; use redis or kafka for separate services")

// Broker is the configured message broker: it builds the publisher and the subscribers of the events'
// topic, whichever broker BROKER names. The services use it instead of a broker's own API.
type Broker struct {
	cfg     Config
	log     *slog.Logger
	wmLog   watermill.LoggerAdapter
	backend backend
}

// backend is what each broker implements.
type backend interface {
	publisher() message.Publisher
	newSubscriber(consumer string, logger watermill.LoggerAdapter) (message.Subscriber, error)
	ready(ctx context.Context) error
	resume(ctx context.Context, consumers []string) (int, error)
	status(ctx context.Context) (queueStatus, error)
	drain(ctx context.Context) error
	close() error
}

// optionsBackend is a backend whose subscribers take options (Redis); the others have none to take.
type optionsBackend interface {
	newSubscriberWith(consumer string, logger watermill.LoggerAdapter, opts []SubscriberOption) (message.Subscriber, error)
}

// BrokerOption changes how NewBroker builds a broker.
type BrokerOption func(*brokerOptions)

type brokerOptions struct {
	shared bool
}

// Shared marks a broker that every service of the process uses (the all-in-one binary); BROKER=memory
// requires it.
func Shared() BrokerOption {
	return func(o *brokerOptions) { o.shared = true }
}

// NewBroker builds the broker cfg.Broker names. It does not connect: a broker that does not answer yet
// makes Publish fail (and Ready report it) until it does.
func NewBroker(cfg Config, log *slog.Logger, opts ...BrokerOption) (*Broker, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("messaging config: %w", err)
	}
	if cfg.Broker == BrokerRedis {
		if err := checkRedisHost(cfg.RedisHost); err != nil {
			return nil, fmt.Errorf("messaging config: %w", err)
		}
	}
	var o brokerOptions
	for _, opt := range opts {
		opt(&o)
	}
	// Watermill reports every subscriber start and stop at info; that is detail for debugging.
	wmLog := watermill.NewSlogLoggerWithLevelMapping(log, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
	b := &Broker{cfg: cfg, log: log, wmLog: wmLog}
	switch cfg.Broker {
	case BrokerRedis:
		b.backend = newRedisBackend(cfg)
	case BrokerKafka:
		b.backend = newKafkaBackend(cfg)
	case BrokerMemory:
		if !o.shared {
			return nil, ErrMemoryNotShared
		}
		b.backend = newMemoryBackend(cfg, wmLog)
	}
	return b, nil
}

// Name is the broker's name, the value of BROKER.
func (b *Broker) Name() string {
	return b.cfg.Broker
}

// Topic is the topic the events travel on: REDIS_STREAM_NAME, or KAFKA_TOPIC with Kafka.
func (b *Broker) Topic() string {
	return b.cfg.Topic()
}

// Publisher returns the broker's publisher. When Publish returns nil the broker holds every message, and
// each message's metadata carries the id the broker gave it under BrokerIDKey; a *PublishErrors says
// which messages it holds when it refused some (Kafka). With Kafka the publisher
// keys each message by its PartitionKeyKey metadata.
func (b *Broker) Publisher() message.Publisher {
	return b.backend.publisher()
}

// NewSubscriber returns a subscriber named consumer in the processor's consumer group (Redis, Kafka); the
// subscribers of one memory broker compete for its messages in the same way. Options apply where the
// broker has them (WithRuns: Redis). The caller closes it.
func (b *Broker) NewSubscriber(consumer string, opts ...SubscriberOption) (message.Subscriber, error) {
	if withOptions, ok := b.backend.(optionsBackend); ok {
		return withOptions.newSubscriberWith(consumer, b.wmLog, opts)
	}
	return b.backend.newSubscriber(consumer, b.wmLog)
}

// Ready reports whether the broker answers (and, with Kafka, whether the topic exists or could be made).
func (b *Broker) Ready(ctx context.Context) error {
	return b.backend.ready(ctx)
}

// WaitReady retries Ready with backoff until it succeeds or ctx ends, so that a service can start before
// its broker. An error that matches ErrBrokerSetting returns at once: waiting cannot cure it.
func (b *Broker) WaitReady(ctx context.Context) error {
	backoff := retry.WithCappedDuration(5*time.Second, retry.NewExponential(100*time.Millisecond))
	return retry.Do(ctx, backoff, func(ctx context.Context) error {
		if err := b.Ready(ctx); err != nil {
			if errors.Is(err, ErrBrokerSetting) {
				return err
			}
			b.log.Warn("broker not ready; retrying", "broker", b.cfg.Broker, "err", err)
			return retry.RetryableError(err)
		}
		return nil
	})
}

// Resume prepares consumers to take back what they left unacknowledged in a previous run of this
// process, and returns how many messages that is. Only Redis needs it (its pending entries belong to a
// consumer name); Kafka redelivers uncommitted offsets by itself, and memory keeps nothing across runs.
func (b *Broker) Resume(ctx context.Context, consumers []string) (int, error) {
	return b.backend.resume(ctx, consumers)
}

// Status describes the queue for a log line: length, pending and lag with Redis, lag with Kafka, messages
// not yet acknowledged with memory.
func (b *Broker) Status(ctx context.Context) (slog.Value, error) {
	status, err := b.backend.status(ctx)
	if err != nil {
		return slog.Value{}, err
	}
	return status.LogValue(), nil
}

// Drain waits until every message published through this broker has been acknowledged, or ctx ends. Only
// memory, which loses what it holds when it closes, waits; durable brokers return at once.
func (b *Broker) Drain(ctx context.Context) error {
	return b.backend.drain(ctx)
}

// Close releases the broker's connections; with memory, messages not yet acknowledged are lost.
func (b *Broker) Close() error {
	return b.backend.close()
}

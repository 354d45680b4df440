package messaging

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/semaphore"
)

// redisSubscriber is one consumer of a Redis Streams consumer group. Unlike watermill-redisstream's
// subscriber, which reads one entry at a time and waits for its acknowledgement before the next, it reads
// up to readCount entries per XREADGROUP and hands them out while their payloads together stay under
// REDIS_IN_FLIGHT_BYTES (each message counting at least minMessageWeight; at least one message at a
// time), so that many small entries reach the processor's batches at once. Acknowledgements are sent in
// batches, one XACK for many entries. A Nacked message is handed out again after RETRY_INITIAL_INTERVAL.
// With WithRuns it hands out runs of entries instead (see handOutRuns), and a Nacked run comes back as its
// entries one by one.
//
// The entries it holds (read or claimed, not yet acknowledged) are kept fresh by a PendingKeeper, so that
// the group's other consumers claim only the entries of a consumer that is gone: those idle for
// CLAIM_IDLE, looked for every CLAIM_INTERVAL and once at the start of each subscription. An entry that
// cannot be decoded is handed out marked (see tolerantUnmarshaller), so that it is poisoned instead of
// stopping the consumer.
type redisSubscriber struct {
	cfg      Config
	client   *redis.Client
	consumer string
	logger   watermill.LoggerAdapter
	runs     bool // hand out runs of entries (WithRuns)

	closing   chan struct{}
	closeOnce sync.Once
	running   sync.WaitGroup
}

// readCount is how many entries one XREADGROUP asks for: at most this many are read and not yet handed
// out, waiting for room in the window.
const readCount = 500

// NewRedisSubscriber returns a consumer-group subscriber named consumer. It owns client: closing the
// subscriber closes the client. A new group starts at the beginning of the stream, so events published
// before the first processor started are not missed.
func NewRedisSubscriber(cfg Config, client *redis.Client, consumer string, logger watermill.LoggerAdapter, opts ...SubscriberOption) (message.Subscriber, error) {
	if cfg.RedisInFlightBytes < 1 {
		return nil, fmt.Errorf("redis subscriber %s: REDIS_IN_FLIGHT_BYTES=%d: must be positive", consumer, cfg.RedisInFlightBytes)
	}
	return &redisSubscriber{
		cfg:      cfg,
		client:   client,
		consumer: consumer,
		runs:     runsOn(cfg, opts),
		logger:   logger.With(watermill.LogFields{"consumer": consumer, "group": cfg.ConsumerGroup}),
		closing:  make(chan struct{}),
	}, nil
}

// Subscribe creates the consumer group on stream topic if it does not exist and returns the channel of
// the group's messages this consumer gets, closed when ctx ends or the subscriber closes.
func (s *redisSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	select {
	case <-s.closing:
		return nil, errors.New("redis subscriber is closed")
	default:
	}
	if err := s.createGroup(ctx, topic); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	sub := &redisSubscription{
		sub:    s,
		topic:  topic,
		ctx:    ctx,
		out:    make(chan *message.Message),
		window: semaphore.NewWeighted(s.cfg.RedisInFlightBytes),
		keeper: NewPendingKeeper(s.client, topic, s.cfg.ConsumerGroup, s.consumer, max(s.cfg.ClaimIdle/4, time.Millisecond), s.logger),
		logger: s.logger.With(watermill.LogFields{"stream": topic}),
	}
	sub.acks = newAckBatcher(s.client, topic, s.cfg.ConsumerGroup, sub.keeper, sub.logger)
	cancelOnClose(ctx, cancel, s.closing, &s.running)
	s.running.Go(func() {
		defer cancel()
		sub.run()
	})
	return sub.out, nil
}

// createGroup creates the consumer group on topic, and the stream if need be, reading from its start.
func (s *redisSubscriber) createGroup(ctx context.Context, topic string) error {
	err := s.client.XGroupCreateMkStream(ctx, topic, s.cfg.ConsumerGroup, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group %s on %s: %w", s.cfg.ConsumerGroup, topic, err)
	}
	return nil
}

// Close ends the subscriptions, sends the acknowledgements not yet sent and closes the client. Messages
// handed out and not yet acknowledged stay pending under this consumer's name: a successor under the same
// name takes them back at its start (see ReclaimOwn), any other consumer after CLAIM_IDLE.
func (s *redisSubscriber) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closing)
		s.running.Wait()
		err = s.client.Close()
	})
	return err
}

package messaging

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"golang.org/x/sync/semaphore"
)

// kafkaSubscriber is one member of a Kafka consumer group. Unlike watermill-kafka's subscriber, which
// waits for each message of a partition to be acknowledged before it hands out the next, it hands out the
// messages of the partitions it owns while their payloads together stay under inFlight bytes (each message
// counting at least minMessageWeight; at least one message at a time), so that many small messages reach
// the processor's batches at once. The bound holds across rebalances: a message handed out in a session
// that has ended counts until its handler acknowledges or Nacks it. A partition's offset is committed only
// up to its first message not yet acknowledged: what was not acknowledged when the member stops or loses
// the partition is delivered again, never skipped. A Nacked message is sent again after nackSleep.
// Messages of one partition are handed out in order but may be acknowledged out of order.
type kafkaSubscriber struct {
	cfg       Config
	consumer  string
	inFlight  int64
	nackSleep time.Duration
	logger    watermill.LoggerAdapter

	closing   chan struct{}
	closeOnce sync.Once
	running   sync.WaitGroup

	mu            sync.Mutex
	subscriptions map[string]int // Subscribe calls per topic
}

// instanceID is the static group member id of the next subscription to topic: the consumer name and the
// topic (and, from the second subscription of one topic on, its number), in the characters Kafka allows.
// It is the same after a restart, as the consumer name is.
func (s *kafkaSubscriber) instanceID(topic string) string {
	s.mu.Lock()
	n := s.subscriptions[topic]
	s.subscriptions[topic]++
	s.mu.Unlock()
	id := s.consumer + "-" + topic
	if n > 0 {
		id += fmt.Sprint("-", n)
	}
	id = strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return '_'
	}, id)
	return id[:min(len(id), sarama.MAX_GROUP_INSTANCE_ID_LENGTH)]
}

func newKafkaSubscriber(cfg Config, consumer string, logger watermill.LoggerAdapter) *kafkaSubscriber {
	return &kafkaSubscriber{
		cfg:       cfg,
		consumer:  consumer,
		inFlight:  cfg.KafkaInFlightBytes,
		nackSleep: cfg.RetryInitialInterval,
		logger:    logger.With(watermill.LogFields{"consumer": consumer, "group": cfg.KafkaConsumerGroup}),
		closing:   make(chan struct{}),

		subscriptions: map[string]int{},
	}
}

// Subscribe joins the consumer group on topic (creating the topic with KAFKA_PARTITIONS partitions when
// it does not exist) and returns the channel of its messages, closed when ctx ends or the subscriber
// closes. A lost connection is retried every second.
func (s *kafkaSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	select {
	case <-s.closing:
		return nil, errors.New("kafka subscriber is closed")
	default:
	}
	config := kafkaConfig(s.cfg, s.consumer)
	// Static membership (Kafka 2.3+): a processor restarted under the same consumer name takes its
	// partitions back at once, instead of the group waiting for the old member's session to time out. A
	// member that stops is also only replaced after its session timeout, so that a restart is not a
	// rebalance.
	config.Version = sarama.V2_3_0_0
	config.Consumer.Group.InstanceId = s.instanceID(topic)
	if err := ensureTopic(s.cfg.KafkaBrokers, config, topic, s.cfg.KafkaPartitions); err != nil {
		return nil, err
	}
	group, err := sarama.NewConsumerGroup(s.cfg.KafkaBrokers, s.cfg.KafkaConsumerGroup, config)
	if err != nil {
		return nil, fmt.Errorf("join consumer group %s: %w", s.cfg.KafkaConsumerGroup, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan *message.Message)
	h := &claimHandler{sub: s, out: out, done: ctx.Done(), window: semaphore.NewWeighted(s.inFlight)}
	cancelOnClose(ctx, cancel, s.closing, &s.running)
	s.running.Add(2)
	go func() {
		defer s.running.Done()
		for err := range group.Errors() {
			s.logger.Error("Kafka consumer group error", err, nil)
		}
	}()
	go func() {
		defer s.running.Done()
		defer close(out)
		defer h.holding.Wait()
		defer group.Close()
		defer cancel()
		for ctx.Err() == nil {
			// Consume returns at every rebalance; the loop joins the group again.
			if err := group.Consume(ctx, []string{topic}, h); err != nil && ctx.Err() == nil {
				s.logger.Error("Kafka consume failed, retrying", err, watermill.LogFields{"topic": topic})
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}()
	return out, nil
}

// Close stops the subscriptions. As a static member it does not leave the group: a successor under the
// same consumer name takes its partitions at once, otherwise the group reassigns them when its session
// times out. Messages handed out and not yet acknowledged are delivered again.
func (s *kafkaSubscriber) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.running.Wait()
	return nil
}

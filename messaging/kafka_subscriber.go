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
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
	"golang.org/x/sync/semaphore"
)

// kafkaSubscriber is one member of a Kafka consumer group. Unlike watermill-kafka's subscriber, which
// waits for each message of a partition to be acknowledged before it hands out the next, it hands out the
// messages of the partitions it owns while their payloads together stay under inFlight bytes (at least one
// message at a time), so that many small messages reach the processor's batches at once. A partition's
// offset is committed only up to its first message not yet acknowledged: what was not acknowledged when
// the member stops or loses the partition is delivered again, never skipped. A Nacked message is sent again
// after nackSleep. Messages of one partition are handed out in order but may be acknowledged out of order.
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
	h := &claimHandler{sub: s, out: out, window: semaphore.NewWeighted(s.inFlight)}
	s.running.Add(3)
	go func() {
		defer s.running.Done()
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	go func() {
		defer s.running.Done()
		for err := range group.Errors() {
			s.logger.Error("Kafka consumer group error", err, nil)
		}
	}()
	go func() {
		defer s.running.Done()
		defer close(out)
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

// claimHandler hands out the messages of every partition a session claims.
type claimHandler struct {
	sub    *kafkaSubscriber
	out    chan<- *message.Message
	window *semaphore.Weighted // payload bytes handed out and not yet acknowledged
}

func (h *claimHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *claimHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim hands out the claim's messages until the session ends, then waits until each one handed
// out is settled or abandoned.
func (h *claimHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	ctx := sess.Context()
	offsets := &offsetWindow{}
	var settling sync.WaitGroup
	defer settling.Wait()
	for {
		var record *sarama.ConsumerMessage
		select {
		case r, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			record = r
		case <-ctx.Done():
			return nil
		}
		weight := min(int64(len(record.Value)), h.sub.inFlight)
		if err := h.window.Acquire(ctx, weight); err != nil {
			return nil
		}
		msg, err := kafka.DefaultMarshaler{}.Unmarshal(record)
		if err != nil {
			h.window.Release(weight)
			return fmt.Errorf("unmarshal partition %d offset %d: %w", record.Partition, record.Offset, err)
		}
		offsets.add(record.Offset)
		if !h.send(ctx, msg) {
			h.window.Release(weight)
			return nil
		}
		settling.Add(1)
		go func() {
			defer settling.Done()
			defer h.window.Release(weight)
			if h.settle(ctx, msg) && ctx.Err() == nil {
				if next, advanced := offsets.done(record.Offset); advanced {
					sess.MarkOffset(record.Topic, record.Partition, next, "")
				}
			}
		}()
	}
}

// send hands msg out, with a context that ends with the session; it reports false if the session ended
// first.
func (h *claimHandler) send(ctx context.Context, msg *message.Message) bool {
	msgCtx, cancel := context.WithCancel(ctx)
	msg.SetContext(msgCtx)
	select {
	case h.out <- msg:
		go func() {
			select {
			case <-msg.Acked():
			case <-msg.Nacked():
			case <-ctx.Done():
			}
			cancel()
		}()
		return true
	case <-ctx.Done():
		cancel()
		return false
	}
}

// settle waits until msg is acknowledged, sending it again after each Nack; it reports false if the
// session ended first.
func (h *claimHandler) settle(ctx context.Context, msg *message.Message) bool {
	for {
		select {
		case <-msg.Acked():
			return true
		case <-msg.Nacked():
		case <-ctx.Done():
			return false
		}
		select {
		case <-time.After(h.sub.nackSleep):
		case <-ctx.Done():
			return false
		}
		msg = msg.Copy()
		if !h.send(ctx, msg) {
			return false
		}
	}
}

// offsetWindow tracks the offsets of one partition handed out and not yet acknowledged, in order.
type offsetWindow struct {
	mu      sync.Mutex
	pending []int64 // handed-out offsets, ascending
	acked   map[int64]bool
}

func (w *offsetWindow) add(offset int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = append(w.pending, offset)
}

// done records offset as acknowledged and returns the offset to commit (the first not acknowledged, or
// the one after the last handed out) and whether it moved.
func (w *offsetWindow) done(offset int64) (int64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.acked == nil {
		w.acked = map[int64]bool{}
	}
	w.acked[offset] = true
	var next int64
	advanced := false
	for len(w.pending) > 0 && w.acked[w.pending[0]] {
		delete(w.acked, w.pending[0])
		next = w.pending[0] + 1
		w.pending = w.pending[1:]
		advanced = true
	}
	return next, advanced
}

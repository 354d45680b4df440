package messaging

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
)

// KafkaPublisher is a Watermill publisher for Kafka that sends all messages of one Publish call together
// (one produce request per partition leader), keys each message by its PartitionKeyKey metadata, and
// records "<partition>-<offset>" under BrokerIDKey. It writes records as watermill-kafka's marshaller
// does, so that package's subscriber reads them. It connects on first use, and creates each topic it
// publishes to with the configured number of partitions if the topic does not exist.
type KafkaPublisher struct {
	cfg     Config
	config  *sarama.Config
	timeout time.Duration

	connecting sync.Mutex // held by the one connection attempt in progress
	mu         sync.Mutex // guards the fields below
	client     sarama.Client
	producer   sarama.SyncProducer
	topics     map[string]bool
	closed     bool
	sending    sync.WaitGroup
}

// NewKafkaPublisher returns a publisher on cfg's Kafka cluster; PUBLISH_TIMEOUT bounds each Publish call.
func NewKafkaPublisher(cfg Config) *KafkaPublisher {
	return &KafkaPublisher{cfg: cfg, config: kafkaConfig(cfg, "analytics-publisher"), timeout: cfg.PublishTimeout, topics: map[string]bool{}}
}

// PartitionsByKey reports that messages are spread over partitions by their PartitionKeyKey metadata.
func (p *KafkaPublisher) PartitionsByKey() bool {
	return true
}

// Publish appends msgs to topic. When it returns nil, Kafka holds every message. When Kafka refuses some
// messages and stores the others (a message over the producer's or the topic's size limit, say), it
// returns a *PublishErrors saying which; any other error means that no message may be taken as stored.
func (p *KafkaPublisher) Publish(topic string, msgs ...*message.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ctx := msgs[0].Context()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	errs := make([]error, len(msgs))
	records := make([]*sarama.ProducerMessage, 0, len(msgs))
	at := make(map[*sarama.ProducerMessage]int, len(msgs)) // record → index in msgs
	for i, msg := range msgs {
		record, err := kafka.DefaultMarshaler{}.Marshal(topic, msg)
		if err != nil {
			return fmt.Errorf("marshal message %s: %w", msg.UUID, err)
		}
		if key := msg.Metadata.Get(PartitionKeyKey); key != "" {
			record.Key = sarama.StringEncoder(key)
		}
		// Sarama would refuse it as a configuration error; refused here, it is told apart from the others.
		if size, limit := record.ByteSize(recordBatchVersion), p.config.Producer.MaxMessageBytes; size > limit {
			errs[i] = fmt.Errorf("message %s: %d bytes, over the producer's limit of %d: %w", msg.UUID, size, limit, ErrMessageTooLarge)
			continue
		}
		at[record] = i
		records = append(records, record)
	}
	if len(records) > 0 {
		if err := p.sendWithin(ctx, topic, records); err != nil {
			var refused sarama.ProducerErrors
			if !errors.As(err, &refused) {
				return err
			}
			for _, r := range refused {
				i := at[r.Msg]
				errs[i] = fmt.Errorf("message %s: %w", msgs[i].UUID, refusal(r.Err))
			}
		}
	}
	for _, record := range records {
		if i := at[record]; errs[i] == nil {
			msgs[i].Metadata.Set(BrokerIDKey, strconv.Itoa(int(record.Partition))+"-"+strconv.FormatInt(record.Offset, 10))
		}
	}
	return publishErrors(topic, errs)
}

// recordBatchVersion is the message format of the Kafka versions Sarama speaks by default (0.11 and later).
const recordBatchVersion = 2

// refusal marks Kafka's MESSAGE_TOO_LARGE (a record batch over the topic's max.message.bytes) as
// ErrMessageTooLarge.
func refusal(err error) error {
	if errors.Is(err, sarama.ErrMessageSizeTooLarge) {
		return fmt.Errorf("%w: %w", ErrMessageTooLarge, err)
	}
	return err
}

// sendWithin sends records, giving up after the publish timeout or when ctx ends. Sarama does not take a
// context; a send that outlives the timeout finishes in the background.
func (p *KafkaPublisher) sendWithin(ctx context.Context, topic string, records []*sarama.ProducerMessage) error {
	done := make(chan error, 1)
	go func() { done <- p.send(topic, records) }()
	select {
	case err := <-done:
		return err
	case <-time.After(p.timeout):
		return fmt.Errorf("publish to %s: no answer from kafka at %s within %s", topic, strings.Join(p.cfg.KafkaBrokers, ","), p.timeout)
	case <-ctx.Done():
		return fmt.Errorf("publish to %s: %w", topic, ctx.Err())
	}
}

// send produces records; the error of a produce that failed for some records only is a
// sarama.ProducerErrors naming them.
func (p *KafkaPublisher) send(topic string, records []*sarama.ProducerMessage) error {
	producer, _, err := p.connect(topic)
	if err != nil {
		return err
	}
	defer p.sending.Done()
	if err := producer.SendMessages(records); err != nil {
		return fmt.Errorf("produce to %s: %w", topic, err)
	}
	return nil
}

// connect returns the producer, connecting and creating topic first if needed, and counts a send in
// flight (the caller calls p.sending.Done) so that Close waits for it. One connection attempt runs at a
// time; Close does not wait for it.
func (p *KafkaPublisher) connect(topic string) (sarama.SyncProducer, sarama.Client, error) {
	p.connecting.Lock()
	defer p.connecting.Unlock()
	p.mu.Lock()
	producer, closed, known := p.producer, p.closed, p.topics[topic]
	p.mu.Unlock()
	if closed {
		return nil, nil, errors.New("kafka publisher closed")
	}
	if producer == nil {
		client, err := sarama.NewClient(p.cfg.KafkaBrokers, p.config)
		if err != nil {
			return nil, nil, fmt.Errorf("connect to kafka at %s: %w", strings.Join(p.cfg.KafkaBrokers, ","), err)
		}
		if producer, err = sarama.NewSyncProducerFromClient(client); err != nil {
			client.Close()
			return nil, nil, fmt.Errorf("kafka producer: %w", err)
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			producer.Close()
			client.Close()
			return nil, nil, errors.New("kafka publisher closed")
		}
		p.client, p.producer = client, producer
		p.mu.Unlock()
	}
	if !known {
		if err := ensureTopic(p.cfg.KafkaBrokers, p.config, topic, p.cfg.KafkaPartitions); err != nil {
			return nil, nil, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, nil, errors.New("kafka publisher closed")
	}
	p.topics[topic] = true
	p.sending.Add(1)
	return p.producer, p.client, nil
}

// ready connects, creates topic if needed, and asks the cluster for topic's partitions.
func (p *KafkaPublisher) ready(topic string) error {
	_, client, err := p.connect(topic)
	if err != nil {
		return err
	}
	defer p.sending.Done()
	if err := client.RefreshMetadata(topic); err != nil {
		return fmt.Errorf("kafka metadata of %s: %w", topic, err)
	}
	return nil
}

// Close stops the producer after the sends in flight.
func (p *KafkaPublisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.sending.Wait()
	if p.producer == nil {
		return nil
	}
	err := p.producer.Close()
	if cerr := p.client.Close(); err == nil {
		err = cerr
	}
	p.producer, p.client = nil, nil
	if err != nil {
		return fmt.Errorf("close kafka producer: %w", err)
	}
	return nil
}

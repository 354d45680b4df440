package messaging

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// KafkaPublisher is a Watermill publisher for Kafka built on franz-go's kgo client: an idempotent producer
// that keeps up to five produce requests in flight per broker, so concurrent Publish calls do not wait for
// each other's acknowledgements. It sends all messages of one Publish call together (one produce request
// per partition leader), keys each message by its PartitionKeyKey metadata, and records
// "<partition>-<offset>" under BrokerIDKey. It writes records as watermill-kafka's marshaller does, so
// that package's subscriber reads them. It connects on first use, and creates each topic it publishes to
// with the configured number of partitions if the topic does not exist.
type KafkaPublisher struct {
	cfg     Config
	timeout time.Duration

	connecting chan struct{} // holds a token while the one connection attempt in progress runs
	mu         sync.Mutex    // guards the fields below
	client     *kgo.Client
	topics     map[string]bool
	closed     bool
	sending    sync.WaitGroup // Publish calls whose records are not all answered yet
}

// NewKafkaPublisher returns a publisher on cfg's Kafka cluster; PUBLISH_TIMEOUT bounds each Publish call.
func NewKafkaPublisher(cfg Config) *KafkaPublisher {
	return &KafkaPublisher{cfg: cfg, timeout: cfg.PublishTimeout, topics: map[string]bool{}, connecting: make(chan struct{}, 1)}
}

// PartitionsByKey reports that messages are spread over partitions by their PartitionKeyKey metadata.
func (p *KafkaPublisher) PartitionsByKey() bool {
	return true
}

// Publish appends msgs to topic. When it returns nil, every in-sync replica holds every message. When
// Kafka refuses some messages and stores the others (a message over the producer's or the topic's size
// limit, say), it returns a *PublishErrors saying which; any other error (the timeout, the message's
// context ending) means that no message may be taken as stored.
func (p *KafkaPublisher) Publish(topic string, msgs ...*message.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ctx := msgs[0].Context()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	records, err := kafkaRecords(topic, msgs)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	client, err := p.connect(ctx, topic)
	if err != nil {
		return err
	}
	at := make(map[*kgo.Record]int, len(records)) // record → index in msgs
	for i, record := range records {
		at[record] = i
	}
	errs := make([]error, len(records))
	done := make(chan struct{})
	go func() {
		defer p.sending.Done()
		defer close(done)
		// Not ctx: kgo fails every record buffered for a partition when the context of the first one
		// ends, so one call giving up (or its HTTP client going away) would fail other calls' records.
		// Records that outlive this call are bounded by RecordDeliveryTimeout (kafkaProducerOptions).
		for _, res := range client.ProduceSync(context.WithoutCancel(ctx), records...) {
			errs[at[res.Record]] = res.Err
		}
	}()
	select {
	case <-done:
	case <-ctx.Done():
		select {
		case <-done: // answered just as the context ended: the answer stands
		default:
			return p.gaveUp(ctx, topic)
		}
	}
	for i, record := range records {
		if errs[i] != nil {
			errs[i] = fmt.Errorf("message %s: %w", msgs[i].UUID, refusal(errs[i]))
			continue
		}
		msgs[i].Metadata.Set(BrokerIDKey, strconv.Itoa(int(record.Partition))+"-"+strconv.FormatInt(record.Offset, 10))
	}
	return publishErrors(topic, errs)
}

// gaveUp is the error of a Publish whose context ended before Kafka answered every record: its deadline
// (PUBLISH_TIMEOUT) or the message's own context.
func (p *KafkaPublisher) gaveUp(ctx context.Context, topic string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("publish to %s: no answer from kafka at %s within %s", topic, strings.Join(p.cfg.KafkaBrokers, ","), p.timeout)
	}
	return fmt.Errorf("publish to %s: %w", topic, context.Cause(ctx))
}

// refusal marks Kafka's MESSAGE_TOO_LARGE, from the cluster (a record batch over the topic's
// max.message.bytes) or from the producer itself (a record over kafkaMaxBatchBytes, refused before it is
// sent), as ErrMessageTooLarge.
func refusal(err error) error {
	if errors.Is(err, kerr.MessageTooLarge) {
		return fmt.Errorf("%w: %w", ErrMessageTooLarge, err)
	}
	return err
}

// connect returns the client, connecting and creating topic first if needed, and counts a send in
// flight (the caller calls p.sending.Done once Kafka has answered it) so that Close waits for it. One
// connection attempt runs at a time; a call waiting for another's gives up when ctx ends.
func (p *KafkaPublisher) connect(ctx context.Context, topic string) (*kgo.Client, error) {
	select {
	case p.connecting <- struct{}{}:
	case <-ctx.Done():
		return nil, p.gaveUp(ctx, topic)
	}
	defer func() { <-p.connecting }()
	p.mu.Lock()
	client, closed, known := p.client, p.closed, p.topics[topic]
	p.mu.Unlock()
	if closed {
		return nil, errors.New("kafka publisher closed")
	}
	if client == nil {
		var err error
		if client, err = kgo.NewClient(kafkaProducerOptions(p.cfg)...); err != nil {
			return nil, fmt.Errorf("kafka producer: %w", err)
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			client.Close()
			return nil, errors.New("kafka publisher closed")
		}
		p.client = client
		p.mu.Unlock()
	}
	if !known {
		if err := createTopic(ctx, client, topic, p.cfg.KafkaPartitions); err != nil {
			return nil, fmt.Errorf("kafka at %s: %w", strings.Join(p.cfg.KafkaBrokers, ","), err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errors.New("kafka publisher closed")
	}
	p.topics[topic] = true
	p.sending.Add(1)
	return client, nil
}

// ready connects, creates topic if needed, and asks the cluster for topic's partitions.
func (p *KafkaPublisher) ready(ctx context.Context, topic string) error {
	client, err := p.connect(ctx, topic)
	if err != nil {
		return err
	}
	defer p.sending.Done()
	return topicKnown(ctx, client, topic)
}

// Close waits for the sends in flight, at most PUBLISH_TIMEOUT (their Publish calls have given up by
// then), and closes the client, which fails whatever is left.
func (p *KafkaPublisher) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	client := p.client
	p.client = nil
	p.mu.Unlock()
	sent := make(chan struct{})
	go func() {
		p.sending.Wait()
		close(sent)
	}()
	select {
	case <-sent:
	case <-time.After(p.timeout):
	}
	if client != nil {
		client.Close()
	}
	<-sent
	return nil
}

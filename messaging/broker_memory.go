package messaging

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"golang.org/x/sync/semaphore"
)

// memoryBackend is the in-process broker: Watermill's GoChannel, not persistent, Publish not waiting for
// the subscribers. GoChannel gives every subscriber every message; a consumer group is what the
// processor needs, so the backend subscribes to each topic once (on the first Publish or Subscribe, so
// nothing published is dropped for want of a subscriber) and its subscribers compete for the messages of
// that one subscription. A Nack, or a subscriber closed before its message was acknowledged, sends the
// message again. Nothing survives the process.
//
// The messages published and not yet acknowledged hold at most MEMORY_BUFFER_BYTES of payload: a Publish
// waits for room up to PUBLISH_TIMEOUT and then fails, so ingestion answers 503 instead of the process
// growing without bound while Postgres is slower than the load, or down.
type memoryBackend struct {
	channel *gochannel.GoChannel
	ctx     context.Context
	cancel  context.CancelFunc
	pub     *memoryPublisher
	// room is the payload bytes the unacknowledged messages may still take; capacity is its size.
	room           *semaphore.Weighted
	capacity       int64
	publishTimeout time.Duration

	mu     sync.Mutex
	topics map[string]<-chan *message.Message
	// unacked counts messages published and not yet acknowledged.
	unacked atomic.Int64
}

func newMemoryBackend(cfg Config, logger watermill.LoggerAdapter) *memoryBackend {
	m := &memoryBackend{
		channel:        gochannel.NewGoChannel(gochannel.Config{}, logger),
		topics:         map[string]<-chan *message.Message{},
		room:           semaphore.NewWeighted(cfg.MemoryBufferBytes),
		capacity:       cfg.MemoryBufferBytes,
		publishTimeout: cfg.PublishTimeout,
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.pub = &memoryPublisher{backend: m}
	return m
}

// subscription returns the one GoChannel subscription of topic, subscribing on first use.
func (m *memoryBackend) subscription(topic string) (<-chan *message.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ch, ok := m.topics[topic]; ok {
		return ch, nil
	}
	ch, err := m.channel.Subscribe(m.ctx, topic)
	if err != nil {
		return nil, err
	}
	m.topics[topic] = ch
	return ch, nil
}

func (m *memoryBackend) publisher() message.Publisher {
	return m.pub
}

func (m *memoryBackend) newSubscriber(string, watermill.LoggerAdapter) (message.Subscriber, error) {
	return &memorySubscriber{backend: m, closing: make(chan struct{})}, nil
}

func (m *memoryBackend) ready(context.Context) error {
	return m.ctx.Err()
}

func (m *memoryBackend) resume(context.Context, []string) (int, error) {
	return 0, nil
}

func (m *memoryBackend) status(context.Context) (queueStatus, error) {
	return memoryStatus{unacknowledged: m.unacked.Load()}, nil
}

func (m *memoryBackend) drain(ctx context.Context) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for m.unacked.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// weight is the room msg takes: its payload, and never more than the whole buffer, so that any message
// fits alone.
func (m *memoryBackend) weight(msg *message.Message) int64 {
	return max(1, min(int64(len(msg.Payload)), m.capacity))
}

// reserve waits until msgs fit in the buffer, up to the publish timeout.
func (m *memoryBackend) reserve(msgs []*message.Message) error {
	ctx, cancel := context.WithTimeout(m.ctx, m.publishTimeout)
	defer cancel()
	for i, msg := range msgs {
		if err := m.room.Acquire(ctx, m.weight(msg)); err != nil {
			for _, taken := range msgs[:i] {
				m.room.Release(m.weight(taken))
			}
			return fmt.Errorf("in-process broker full (%d bytes unacknowledged) for %s: %w", m.capacity, m.publishTimeout, err)
		}
	}
	return nil
}

// acknowledged frees what msg held once it is acknowledged.
func (m *memoryBackend) acknowledged(msg *message.Message) {
	m.unacked.Add(-1)
	m.room.Release(m.weight(msg))
}

func (m *memoryBackend) close() error {
	m.cancel()
	return m.channel.Close()
}

// memoryPublisher publishes to the backend's GoChannel and numbers the messages it publishes.
type memoryPublisher struct {
	backend *memoryBackend
	seq     atomic.Int64
}

// Publish hands msgs to the topic's subscription; it returns before they are consumed, once they fit in
// the buffer (see memoryBackend).
func (p *memoryPublisher) Publish(topic string, msgs ...*message.Message) error {
	if _, err := p.backend.subscription(topic); err != nil {
		return err
	}
	if err := p.backend.reserve(msgs); err != nil {
		return err
	}
	p.backend.unacked.Add(int64(len(msgs)))
	if err := p.backend.channel.Publish(topic, msgs...); err != nil {
		for _, msg := range msgs {
			p.backend.acknowledged(msg)
		}
		return err
	}
	for _, msg := range msgs {
		msg.Metadata.Set(BrokerIDKey, strconv.FormatInt(p.seq.Add(1), 10))
	}
	return nil
}

// Close does nothing: the GoChannel belongs to the backend.
func (p *memoryPublisher) Close() error {
	return nil
}

// memorySubscriber competes with the backend's other subscribers for the messages of a topic.
type memorySubscriber struct {
	backend   *memoryBackend
	closing   chan struct{}
	closeOnce sync.Once
	running   sync.WaitGroup
}

// Subscribe returns a channel of the topic's messages that this subscriber won; it is closed when ctx
// ends or the subscriber closes, and then every message it handed out unacknowledged is sent again.
// Read the channel until it closes: a message the subscription took waits for its reader.
func (s *memorySubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	in, err := s.backend.subscription(topic)
	if err != nil {
		return nil, err
	}
	out := make(chan *message.Message)
	s.running.Go(func() { s.forward(ctx, in, out) })
	return out, nil
}

func (s *memorySubscriber) forward(ctx context.Context, in <-chan *message.Message, out chan<- *message.Message) {
	defer close(out)
	stop := make(chan struct{})
	defer close(stop)
	for {
		var msg *message.Message
		select {
		case m, ok := <-in:
			if !ok {
				return
			}
			msg = m
		case <-ctx.Done():
			return
		case <-s.closing:
			return
		}
		// The message's context ends when it is settled or this subscription stops.
		msgCtx, cancel := context.WithCancel(msg.Context())
		msg.SetContext(msgCtx)
		select {
		case out <- msg:
			go s.settle(msg, stop, cancel)
		case <-ctx.Done():
			cancel()
			msg.Nack()
			return
		case <-s.closing:
			cancel()
			msg.Nack()
			return
		}
	}
}

// settle counts msg as done when it is acknowledged, and sends it again (Nack) if this subscription
// stops before it is acknowledged; then it ends the message's context.
func (s *memorySubscriber) settle(msg *message.Message, stop <-chan struct{}, cancel context.CancelFunc) {
	defer cancel()
	select {
	case <-msg.Acked():
		s.backend.acknowledged(msg)
	case <-msg.Nacked():
	case <-stop:
		if !msg.Nack() {
			<-msg.Acked()
			s.backend.acknowledged(msg)
		}
	}
}

// Close stops the subscriptions; messages handed out and not yet acknowledged are sent again.
func (s *memorySubscriber) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.running.Wait()
	return nil
}

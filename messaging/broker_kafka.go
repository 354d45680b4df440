package messaging

import (
	"context"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

// kafkaBackend is the Kafka broker: KafkaPublisher, and subscribers (kafkaSubscriber) that are each a
// member of the processors' consumer group, so the topic's partitions are shared among every subscriber
// of every processor.
type kafkaBackend struct {
	cfg Config
	pub *KafkaPublisher
}

func newKafkaBackend(cfg Config) *kafkaBackend {
	return &kafkaBackend{cfg: cfg, pub: NewKafkaPublisher(cfg)}
}

func (k *kafkaBackend) publisher() message.Publisher {
	return k.pub
}

// newSubscriber returns a consumer-group member whose Kafka client id is consumer (kafkaSubscriber).
func (k *kafkaBackend) newSubscriber(consumer string, logger watermill.LoggerAdapter) (message.Subscriber, error) {
	return newKafkaSubscriber(k.cfg, consumer, logger), nil
}

func (k *kafkaBackend) ready(ctx context.Context) error {
	return k.pub.ready(ctx, k.cfg.KafkaTopic)
}

// resume has nothing to do: offsets not committed by a crashed run are redelivered to the group.
func (k *kafkaBackend) resume(context.Context, []string) (int, error) {
	return 0, nil
}

func (k *kafkaBackend) status(ctx context.Context) (queueStatus, error) {
	done := make(chan struct{})
	var (
		status KafkaGroupStatus
		err    error
	)
	go func() {
		defer close(done)
		status, err = KafkaQueueStatus(k.cfg)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return status, nil
}

func (k *kafkaBackend) drain(context.Context) error {
	return nil
}

func (k *kafkaBackend) close() error {
	return k.pub.Close()
}

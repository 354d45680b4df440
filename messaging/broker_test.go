package messaging_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

func TestMemoryBrokerNeedsOneProcess(t *testing.T) {
	t.Parallel()
	_, err := messaging.NewBroker(messaging.Config{Broker: messaging.BrokerMemory}, slog.New(slog.DiscardHandler))
	require.ErrorIs(t, err, messaging.ErrMemoryNotShared)
	require.ErrorContains(t, err, "cmd/analytics")

	b, err := messaging.NewBroker(messaging.Config{Broker: messaging.BrokerMemory}, slog.New(slog.DiscardHandler), messaging.Shared())
	require.NoError(t, err)
	require.NoError(t, b.Close())
}

func TestNewBrokerRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	_, err := messaging.NewBroker(messaging.Config{Broker: "rabbitmq"}, slog.New(slog.DiscardHandler))
	require.ErrorContains(t, err, "BROKER")
}

func TestKafkaPublisherKeysAndNumbersMessages(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kafka(t)
	broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, broker.Close()) })
	require.NoError(t, broker.Ready(context.Background()), "Ready creates the topic")

	// Two keys, five messages each, published together: each key stays on one partition, in order.
	msgs := make([]*message.Message, 10)
	for i := range msgs {
		msgs[i] = message.NewMessage(watermill.NewUUID(), fmt.Appendf(nil, "%d", i))
		msgs[i].Metadata.Set(messaging.PartitionKeyKey, fmt.Sprint("site-", i%2))
	}
	require.NoError(t, broker.Publisher().Publish(broker.Topic(), msgs...))
	for key := range 2 {
		partition, lastOffset := "", int64(-1)
		for i := key; i < len(msgs); i += 2 {
			id := msgs[i].Metadata.Get(messaging.BrokerIDKey)
			p, o, ok := strings.Cut(id, "-")
			require.True(t, ok, "broker id %q is <partition>-<offset>", id)
			if partition == "" {
				partition = p
			}
			require.Equal(t, partition, p, "one key, one partition")
			var offset int64
			_, err := fmt.Sscan(o, &offset)
			require.NoError(t, err)
			require.Greater(t, offset, lastOffset, "offsets increase in publish order")
			lastOffset = offset
		}
	}

	sub, err := broker.NewSubscriber("test-0")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	received, err := sub.Subscribe(context.Background(), broker.Topic())
	require.NoError(t, err)
	got := receive(t, received, len(msgs))
	byUUID := map[string]*message.Message{}
	for _, msg := range got {
		byUUID[msg.UUID] = msg
	}
	for _, msg := range msgs {
		require.Contains(t, byUUID, msg.UUID)
		require.Equal(t, msg.Payload, byUUID[msg.UUID].Payload)
		require.Equal(t, msg.Metadata.Get(messaging.PartitionKeyKey), byUUID[msg.UUID].Metadata.Get(messaging.PartitionKeyKey))
	}
}

func TestKafkaPublisherFailsWhenKafkaDoesNotAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		addr func(t *testing.T) (host string, port int)
	}{
		{name: "closed_port", addr: closedPort},
		{name: "silent_server", addr: silentServer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			host, port := tc.addr(t)
			cfg := messaging.Config{Broker: messaging.BrokerKafka, KafkaBrokers: []string{fmt.Sprintf("%s:%d", host, port)}, PublishTimeout: 500 * time.Millisecond}
			broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
			require.NoError(t, err, "a broker that does not answer yet is no reason to fail at start")
			t.Cleanup(func() { broker.Close() })

			msg := message.NewMessage(watermill.NewUUID(), []byte(`{}`))
			start := time.Now()
			require.Error(t, broker.Publisher().Publish(broker.Topic(), msg))
			require.Less(t, time.Since(start), 5*time.Second, "PUBLISH_TIMEOUT bounds the wait")
			require.Empty(t, msg.Metadata.Get(messaging.BrokerIDKey))
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			require.Error(t, broker.Ready(ctx))
		})
	}
}

func TestKafkaPublisherHonoursMessageContext(t *testing.T) {
	t.Parallel()
	broker, err := messaging.NewBroker(testenv.Kafka(t), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { broker.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	msg := message.NewMessage(watermill.NewUUID(), []byte(`{}`))
	msg.SetContext(ctx)
	require.ErrorIs(t, broker.Publisher().Publish(broker.Topic(), msg), context.Canceled)
}

func TestMemoryBrokerDrainsAndCountsOnce(t *testing.T) {
	t.Parallel()
	broker, err := messaging.NewBroker(messaging.Config{Broker: messaging.BrokerMemory}, slog.New(slog.DiscardHandler), messaging.Shared())
	require.NoError(t, err)
	t.Cleanup(func() { broker.Close() })

	// Published before anyone subscribes: kept, not dropped.
	msgs := []*message.Message{message.NewMessage(watermill.NewUUID(), []byte("a")), message.NewMessage(watermill.NewUUID(), []byte("b"))}
	require.NoError(t, broker.Publisher().Publish(broker.Topic(), msgs...))
	require.Equal(t, "1", msgs[0].Metadata.Get(messaging.BrokerIDKey))
	require.Equal(t, "2", msgs[1].Metadata.Get(messaging.BrokerIDKey))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, broker.Drain(ctx), context.DeadlineExceeded, "nothing consumed yet")

	// A subscriber that closes without acknowledging gives its message back to the others.
	first, err := broker.NewSubscriber("first")
	require.NoError(t, err)
	ch, err := first.Subscribe(context.Background(), broker.Topic())
	require.NoError(t, err)
	<-ch
	require.NoError(t, first.Close())

	second, err := broker.NewSubscriber("second")
	require.NoError(t, err)
	t.Cleanup(func() { second.Close() })
	ch, err = second.Subscribe(context.Background(), broker.Topic())
	require.NoError(t, err)
	got := receive(t, ch, 2)
	require.ElementsMatch(t, []string{"a", "b"}, []string{string(got[0].Payload), string(got[1].Payload)})
	ctx, cancel = context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	require.NoError(t, broker.Drain(ctx))
}

func TestMemoryBrokerPublishWaitsForRoomThenFails(t *testing.T) {
	t.Parallel()
	cfg := messaging.Config{Broker: messaging.BrokerMemory, MemoryBufferBytes: 100, PublishTimeout: 200 * time.Millisecond}
	broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler), messaging.Shared())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, broker.Close()) })
	payload := func() *message.Message { return message.NewMessage(watermill.NewUUID(), make([]byte, 60)) }

	require.NoError(t, broker.Publisher().Publish("events", payload()))
	start := time.Now()
	err = broker.Publisher().Publish("events", payload())
	require.ErrorContains(t, err, "in-process broker full", "60 + 60 bytes unacknowledged exceed 100")
	require.GreaterOrEqual(t, time.Since(start), cfg.PublishTimeout, "a publish waits for room before it fails")

	sub, err := broker.NewSubscriber("c")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	msgs, err := sub.Subscribe(context.Background(), "events")
	require.NoError(t, err)
	held := <-msgs
	done := make(chan error, 1)
	go func() { done <- broker.Publisher().Publish("events", payload()) }()
	held.Ack()
	require.NoError(t, <-done, "an acknowledgement makes room for the waiting publish")
	receive(t, msgs, 1)

	big := message.NewMessage(watermill.NewUUID(), make([]byte, 1000))
	require.NoError(t, broker.Publisher().Publish("events", big), "a message larger than the buffer fits alone")
	receive(t, msgs, 1)
}

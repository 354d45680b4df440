package messaging_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// kafkaOnePartition returns a Kafka broker whose topic has one partition, holding n published messages
// whose payloads are their index, each payloadSize bytes.
func kafkaOnePartition(t *testing.T, inFlight int64, n, payloadSize int) (*messaging.Broker, messaging.Config) {
	t.Helper()
	cfg := testenv.Kafka(t)
	cfg.KafkaPartitions = 1
	cfg.KafkaInFlightBytes = inFlight
	cfg.RetryInitialInterval = 10 * time.Millisecond
	broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, broker.Close()) })
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(watermill.NewUUID(), fmt.Appendf(nil, "%0*d", payloadSize, i))
	}
	require.NoError(t, broker.Publisher().Publish(broker.Topic(), msgs...))
	return broker, cfg
}

// subscribe starts a subscriber of broker's topic named consumer, closed when the test ends.
func subscribe(t *testing.T, broker *messaging.Broker, consumer string) (message.Subscriber, <-chan *message.Message) {
	t.Helper()
	sub, err := broker.NewSubscriber(consumer)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	msgs, err := sub.Subscribe(context.Background(), broker.Topic())
	require.NoError(t, err)
	return sub, msgs
}

// next returns the next message of msgs without acknowledging it, or nil if none comes within wait.
func next(t *testing.T, msgs <-chan *message.Message, wait time.Duration) *message.Message {
	t.Helper()
	select {
	case msg, ok := <-msgs:
		require.True(t, ok, "messages channel closed")
		return msg
	case <-time.After(wait):
		return nil
	}
}

func TestKafkaSubscriberHandsOutMessagesOfAPartitionAtOnce(t *testing.T) {
	t.Parallel()
	// Ten messages of 100 bytes on one partition; the window holds three.
	broker, _ := kafkaOnePartition(t, 300, 10, 100)
	_, msgs := subscribe(t, broker, "window")

	var held []*message.Message
	for range 3 {
		msg := next(t, msgs, waitFor)
		require.NotNil(t, msg, "the window holds three messages; they come before any is acknowledged")
		held = append(held, msg)
	}
	require.Nil(t, next(t, msgs, 500*time.Millisecond), "a fourth message must wait until one is acknowledged")

	held[1].Ack()
	fourth := next(t, msgs, waitFor)
	require.NotNil(t, fourth, "an acknowledgement frees room in the window")
	require.Equal(t, fmt.Sprintf("%0100d", 3), string(fourth.Payload), "a partition's messages are handed out in order")
}

func TestKafkaSubscriberRedeliversANackedMessage(t *testing.T) {
	t.Parallel()
	broker, _ := kafkaOnePartition(t, 1<<20, 2, 10)
	_, msgs := subscribe(t, broker, "nack")

	first := next(t, msgs, waitFor)
	second := next(t, msgs, waitFor)
	require.NotNil(t, first)
	require.NotNil(t, second)
	first.Nack()
	again := next(t, msgs, waitFor)
	require.NotNil(t, again, "a Nacked message is sent again")
	require.Equal(t, first.UUID, again.UUID)
	require.Equal(t, string(first.Payload), string(again.Payload))
	again.Ack()
	second.Ack()
}

// TestKafkaSubscriberCommitsOnlyUpToTheFirstUnacknowledged acknowledges every message but one and closes
// the subscriber: the group's next member must start at that message. The ones after it, acknowledged out
// of order, come again (the processor's projection absorbs such duplicates); the ones before do not.
func TestKafkaSubscriberCommitsOnlyUpToTheFirstUnacknowledged(t *testing.T) {
	t.Parallel()
	broker, cfg := kafkaOnePartition(t, 1<<20, 10, 10)
	first, msgs := subscribe(t, broker, "first")
	for i := range 10 {
		msg := next(t, msgs, waitFor)
		require.NotNil(t, msg, "message %d", i)
		if i != 4 {
			msg.Ack()
		}
	}
	// Acknowledgements are marked, and marks committed (every second), asynchronously: an ack that has not
	// reached the commit when the member stops is only delivered again, which a busy machine can make
	// happen. The group must come to have committed up to message 4, and no further.
	require.Eventually(t, func() bool {
		status, err := messaging.KafkaQueueStatus(cfg)
		return err == nil && status.Lag == 6
	}, waitFor, pollEvery, "the group commits offsets 0 to 3 (lag 6 of 10)")
	require.NoError(t, first.Close())

	_, msgs = subscribe(t, broker, "second")
	var payloads []string
	for range 6 {
		msg := next(t, msgs, waitFor)
		require.NotNil(t, msg, "the second member must receive messages 4 to 9, got %v", payloads)
		payloads = append(payloads, string(msg.Payload))
		msg.Ack()
	}
	require.Equal(t, []string{"0000000004", "0000000005", "0000000006", "0000000007", "0000000008", "0000000009"}, payloads)
	require.Nil(t, next(t, msgs, 500*time.Millisecond), "messages 0 to 3 were acknowledged and committed")
}

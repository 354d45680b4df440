package messaging_test

import (
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// heldMessages is what a handler holds: messages received and not yet acknowledged, and their payload
// bytes, measured on the handler's side of the subscriber.
type heldMessages struct {
	t      *testing.T
	window int
	msgs   []*message.Message
	bytes  int
}

// take records msg as held and fails the test if the handler now holds more than the window.
func (h *heldMessages) take(msg *message.Message) {
	h.t.Helper()
	h.msgs = append(h.msgs, msg)
	h.bytes += len(msg.Payload)
	require.LessOrEqual(h.t, h.bytes, h.window, "handlers hold %d messages, %d payload bytes: more than KAFKA_IN_FLIGHT_BYTES", len(h.msgs), h.bytes)
}

// ackOldest acknowledges the message held longest.
func (h *heldMessages) ackOldest() {
	msg := h.msgs[0]
	h.msgs = h.msgs[1:]
	h.bytes -= len(msg.Payload)
	msg.Ack()
}

// takeAll takes every message msgs hands out until none comes within quiet.
func (h *heldMessages) takeAll(msgs <-chan *message.Message, quiet time.Duration) {
	h.t.Helper()
	for msg := next(h.t, msgs, quiet); msg != nil; msg = next(h.t, msgs, quiet) {
		h.take(msg)
	}
}

// kafkaBacklog returns a Kafka broker with a window of inFlight bytes whose topic (of
// testenv.KafkaPartitions partitions) holds n messages of payloadSize bytes, keyed to spread over the
// partitions.
func kafkaBacklog(t *testing.T, inFlight int64, n, payloadSize int) *messaging.Broker {
	t.Helper()
	cfg := testenv.Kafka(t)
	cfg.KafkaInFlightBytes = inFlight
	cfg.RetryInitialInterval = 10 * time.Millisecond
	broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, broker.Close()) })
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(watermill.NewUUID(), fmt.Appendf(nil, "%0*d", payloadSize, i))
		msgs[i].Metadata.Set(messaging.PartitionKeyKey, fmt.Sprint("site-", i))
	}
	require.NoError(t, broker.Publisher().Publish(broker.Topic(), msgs...))
	return broker
}

// TestKafkaSubscriberWindowHoldsAcrossARebalance fills a member's window, makes a second member join the
// group (a rebalance ends the first member's session while its handler still holds the messages), and
// then keeps the first member's messages flowing: what its handler holds must stay within
// KAFKA_IN_FLIGHT_BYTES throughout.
func TestKafkaSubscriberWindowHoldsAcrossARebalance(t *testing.T) {
	t.Parallel()
	const window, payloadSize = 1000, 100
	broker := kafkaBacklog(t, window, 8*40, payloadSize)
	_, msgs := subscribe(t, broker, "first")

	held := &heldMessages{t: t, window: window}
	first := next(t, msgs, waitFor)
	require.NotNil(t, first, "the first member joins the group and gets a first message")
	held.take(first)
	held.takeAll(msgs, time.Second)
	require.Equal(t, window, held.bytes, "the first member fills its window before the rebalance")

	// The second member acknowledges everything it gets, in the background.
	_, others := subscribe(t, broker, "second")
	joined := make(chan struct{})
	var once sync.Once
	go func() {
		for msg := range others {
			once.Do(func() { close(joined) })
			msg.Ack()
		}
	}()
	select {
	case <-joined:
	case <-time.After(waitFor):
		require.FailNow(t, "the second member got no partition: no rebalance")
	}

	// The first member is in a new session now; its handler still holds the window of the old one.
	held.takeAll(msgs, 2*time.Second)
	for range 20 {
		require.NotEmpty(t, held.msgs, "the first member hands out messages again after the rebalance")
		held.ackOldest()
		held.takeAll(msgs, 200*time.Millisecond)
	}
}

// TestKafkaSubscriberCountsEmptyMessagesAgainstTheWindow publishes messages without payload: each must
// still take room in the window, so that the window bounds how many are handed out at once.
func TestKafkaSubscriberCountsEmptyMessagesAgainstTheWindow(t *testing.T) {
	t.Parallel()
	const fits = 5
	broker, _ := kafkaOnePartition(t, fits*messaging.MinMessageWeight, 0, 0)
	empty := make([]*message.Message, 50)
	for i := range empty {
		empty[i] = message.NewMessage(watermill.NewUUID(), nil)
	}
	require.NoError(t, broker.Publisher().Publish(broker.Topic(), empty...))
	_, msgs := subscribe(t, broker, "empty")

	first := next(t, msgs, waitFor)
	require.NotNil(t, first, "the consumer joins the group and gets a first message")
	held := []*message.Message{first}
	for msg := next(t, msgs, time.Second); msg != nil; msg = next(t, msgs, time.Second) {
		held = append(held, msg)
	}
	require.Equal(t, fits, len(held), "messages handed out at once: a message without payload counts %d bytes against the window", messaging.MinMessageWeight)
	held[0].Ack()
	require.NotNil(t, next(t, msgs, waitFor), "an acknowledgement frees room for the next")
}

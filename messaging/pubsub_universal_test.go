package messaging_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestPubSubUniversal runs Watermill's universal pub/sub suite on RedisPublisher paired with the
// consumer-group subscriber that messaging.NewRedisSubscriber builds. That subscriber hands out many
// messages at once and sends a Nacked one again later, so no order is guaranteed, not even with a single
// subscriber.
func TestPubSubUniversal(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	// Subscribers closed mid-read leave messages pending under their consumer; the suite expects the
	// next subscriber of the group to get them within its 15 s read timeout.
	cfg.ClaimIdle = 2 * time.Second
	cfg.ClaimInterval = time.Second

	topicPrefix := cfg.Stream + "_universal_"
	cleanup := testenv.RedisClient(t, cfg)
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := cleanup.Keys(ctx, topicPrefix+"*").Result()
		require.NoError(t, err)
		if len(keys) > 0 {
			require.NoError(t, cleanup.Del(ctx, keys...).Err())
		}
	})

	newPubSub := func(t *testing.T, consumerGroup string) (message.Publisher, message.Subscriber) {
		cfg := cfg
		cfg.ConsumerGroup = consumerGroup
		// The subscriber closes its client on Close; the publisher leaves its client to the caller.
		sub, err := messaging.NewRedisSubscriber(cfg, testenv.RedisClient(t, cfg), watermill.NewShortUUID(), watermill.NopLogger{})
		require.NoError(t, err)
		return messaging.NewRedisPublisher(testenv.RedisClient(t, cfg), cfg.PublishTimeout), sub
	}

	features := tests.Features{
		ConsumerGroups:                      true,
		ExactlyOnceDelivery:                 false,
		GuaranteedOrder:                     false,
		GuaranteedOrderWithSingleSubscriber: false,
		Persistent:                          true,
		RequireSingleInstance:               false,
		// All subscribers of one sub-test share its consumer group, as the processor's consumers do, so a
		// later subscriber does not see what the group already consumed. (A new group does start at the
		// beginning of the stream: TestRedisPublisherPublishesBatch subscribes after publishing.)
		NewSubscriberReceivesOldMessages: false,
		GenerateTopicFunc: func(tCtx tests.TestContext) string {
			return topicPrefix + tCtx.TestID.String()
		},
	}
	tests.TestPubSub(t, features,
		func(t *testing.T) (message.Publisher, message.Subscriber) {
			return newPubSub(t, groupForSubTest(t))
		},
		newPubSub,
	)
}

// groupForSubTest names the consumer group after the suite's test id, the last element of the sub-test
// name, which is also what the sub-test's topics are named after.
func groupForSubTest(t *testing.T) string {
	name := t.Name()
	return "group_" + name[strings.LastIndex(name, "/")+1:]
}

// TestPubSubUniversalKafka runs Watermill's universal pub/sub suite on the Kafka publisher and
// subscribers a Kafka broker builds (KafkaPublisher, kafkaSubscriber consumer-group members), against a
// Kafka-protocol server started in this process. Records without a partition key are spread over the
// partitions, and a subscriber hands out several messages of a partition at once, so no order is
// guaranteed: GuaranteedOrder is false.
func TestPubSubUniversalKafka(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kafka(t)
	// The suite reads one subscription while another of the same group holds messages nobody reads; the
	// group waits this long for that member to rejoin a rebalance (watermill-kafka's own tests use the
	// same bound).
	cfg.KafkaRebalanceTimeout = 3 * time.Second
	newPubSub := func(t *testing.T, consumerGroup string) (message.Publisher, message.Subscriber) {
		cfg := cfg
		cfg.KafkaConsumerGroup = consumerGroup
		broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		sub, err := broker.NewSubscriber(watermill.NewShortUUID())
		require.NoError(t, err)
		return broker.Publisher(), sub
	}
	tests.TestPubSub(t, tests.Features{
		ConsumerGroups:                      true,
		ExactlyOnceDelivery:                 false,
		GuaranteedOrder:                     false,
		GuaranteedOrderWithSingleSubscriber: false,
		Persistent:                          true,
		RequireSingleInstance:               false,
		NewSubscriberReceivesOldMessages:    false,
	},
		func(t *testing.T) (message.Publisher, message.Subscriber) {
			return newPubSub(t, groupForSubTest(t))
		},
		newPubSub,
	)
}

// TestPubSubUniversalMemory runs Watermill's universal pub/sub suite on the publisher and subscribers of a
// memory broker (GoChannel with competing subscribers). As the processors of one process do, every
// pub/sub of a sub-test shares one broker, which keeps what was published until a subscriber acknowledges
// it. Its subscribers form one implicit group per broker, so the suite's consumer-group test, which needs
// several groups on one topic, does not apply.
func TestPubSubUniversalMemory(t *testing.T) {
	t.Parallel()
	var (
		mu      sync.Mutex
		brokers = map[string]*messaging.Broker{}
	)
	t.Cleanup(func() {
		for _, b := range brokers {
			require.NoError(t, b.Close())
		}
	})
	tests.TestPubSub(t, tests.Features{
		ConsumerGroups:                   false,
		ExactlyOnceDelivery:              false,
		GuaranteedOrder:                  false,
		Persistent:                       true,
		RequireSingleInstance:            false,
		NewSubscriberReceivesOldMessages: false,
	},
		func(t *testing.T) (message.Publisher, message.Subscriber) {
			mu.Lock()
			defer mu.Unlock()
			broker, ok := brokers[t.Name()]
			if !ok {
				var err error
				broker, err = messaging.NewBroker(messaging.Config{Broker: messaging.BrokerMemory}, slog.New(slog.DiscardHandler), messaging.Shared())
				require.NoError(t, err)
				brokers[t.Name()] = broker
			}
			sub, err := broker.NewSubscriber("universal")
			require.NoError(t, err)
			return broker.Publisher(), sub
		},
		nil,
	)
}

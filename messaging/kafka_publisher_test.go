package messaging_test

import (
	"log/slog"
	"testing"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestKafkaPublisherReportsEachRefusedMessage publishes three messages, to three partitions, of which the
// middle one is too large: for the producer (over its 1,000,000-byte batch limit), or for the topic (over its
// max.message.bytes). Publish fails for that message only: the others are stored and numbered.
func TestKafkaPublisherReportsEachRefusedMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		topicConfig map[string]string
		bigPayload  int
	}{
		{name: "over_the_producer_limit", bigPayload: 1100000},
		{name: "over_the_topic_limit", topicConfig: map[string]string{"max.message.bytes": "65536"}, bigPayload: 100000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Kafka(t)
			const partitions = 8
			cfg = testenv.KafkaTopic(t, cfg, partitions, tc.topicConfig)
			broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, broker.Close()) })

			keys := keysOnDistinctPartitions(t, 3, partitions)
			msgs := make([]*message.Message, 3)
			for i := range msgs {
				size := 10
				if i == 1 {
					size = tc.bigPayload
				}
				msgs[i] = message.NewMessage(watermill.NewUUID(), make([]byte, size))
				msgs[i].Metadata.Set(messaging.PartitionKeyKey, keys[i])
			}
			err = broker.Publisher().Publish(broker.Topic(), msgs...)
			require.Error(t, err)
			require.NotEmpty(t, msgs[0].Metadata.Get(messaging.BrokerIDKey), "stored messages are numbered")
			require.NotEmpty(t, msgs[2].Metadata.Get(messaging.BrokerIDKey), "stored messages are numbered")
			require.Empty(t, msgs[1].Metadata.Get(messaging.BrokerIDKey))
			require.ErrorContains(t, err, msgs[1].UUID, "the error names the refused message")
			var refused *messaging.PublishErrors
			require.ErrorAs(t, err, &refused)
			require.Len(t, refused.Errs, len(msgs))
			require.NoError(t, refused.Errs[0])
			require.ErrorIs(t, refused.Errs[1], messaging.ErrMessageTooLarge)
			require.NoError(t, refused.Errs[2])
			require.ErrorIs(t, err, messaging.ErrMessageTooLarge)
		})
	}
}

// keysOnDistinctPartitions returns n keys that the publisher's hash partitioner sends to n partitions.
func keysOnDistinctPartitions(t *testing.T, n int, partitions int32) []string {
	t.Helper()
	taken := map[int32]bool{}
	var keys []string
	for i := 0; len(keys) < n; i++ {
		key := "key-" + string(rune('a'+i))
		p, err := sarama.NewHashPartitioner("").Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder(key)}, partitions)
		require.NoError(t, err)
		if !taken[p] {
			taken[p] = true
			keys = append(keys, key)
		}
	}
	return keys
}

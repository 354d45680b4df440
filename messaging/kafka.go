package messaging

import (
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"
)

// PartitionKeyKey is the metadata key whose value a keyed broker (Kafka) uses as the message key: messages
// with the same key go to the same partition and stay in order.
const PartitionKeyKey = "partition_key"

// kafkaConfig is the Sarama configuration of the Kafka clients that consume and inspect the topic (the
// subscriber, the queue status), named clientID. The publisher is a kgo client (kafkaProducerOptions).
func kafkaConfig(cfg Config, clientID string) *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = clientID
	// A dead cluster must surface as an error within seconds, not after minutes of retries.
	c.Net.DialTimeout = time.Second
	c.Net.ReadTimeout = cfg.PublishTimeout + 5*time.Second
	c.Net.WriteTimeout = cfg.PublishTimeout
	c.Metadata.Retry.Max = 1
	c.Metadata.Retry.Backoff = 250 * time.Millisecond
	// Topics are created with KAFKA_PARTITIONS partitions (ensureTopic), never with a broker's default.
	c.Metadata.AllowAutoTopicCreation = false

	// A new group starts at the beginning of the topic, so events published before the first processor
	// started are not missed. Offsets are committed (after the handler's ack) every second.
	c.Consumer.Return.Errors = true
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	c.Consumer.Offsets.AutoCommit.Interval = time.Second
	c.Consumer.Group.Heartbeat.Interval = time.Second
	c.Consumer.Group.Session.Timeout = 10 * time.Second
	c.Consumer.Group.Rebalance.Timeout = cfg.KafkaRebalanceTimeout
	// What a member buffers beyond what it hands out (KAFKA_IN_FLIGHT_BYTES) only hides the fetch latency;
	// Sarama's defaults (1 MiB per partition per fetch, 256 decoded messages per partition) held ~80 MiB in
	// a processor draining a backlog of 16 partitions.
	c.Consumer.Fetch.Default = 256 << 10
	c.ChannelBufferSize = 16
	return c
}

// ensureTopic creates topic with partitions partitions and the cluster's default replication factor,
// unless it exists already (then it is left as it is).
func ensureTopic(brokers []string, config *sarama.Config, topic string, partitions int) error {
	admin, err := sarama.NewClusterAdmin(brokers, config)
	if err != nil {
		return fmt.Errorf("kafka admin: %w", err)
	}
	defer admin.Close()
	detail := &sarama.TopicDetail{NumPartitions: int32(partitions), ReplicationFactor: -1}
	if err := admin.CreateTopic(topic, detail, false); err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	return nil
}

package testenv

import (
	"testing"

	"github.com/analytics-pipeline/analytics/internal/kafkadev"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Brokers are the brokers every conformance test runs on.
var Brokers = []string{messaging.BrokerRedis, messaging.BrokerKafka, messaging.BrokerMemory}

// Broker returns a messaging config for broker with names unique to the test: the running Redis for
// redis, a Kafka-protocol server (kfake) started in this process for kafka, nothing for memory.
func Broker(t testing.TB, broker string) messaging.Config {
	t.Helper()
	switch broker {
	case messaging.BrokerRedis:
		return Messaging(t)
	case messaging.BrokerKafka:
		return Kafka(t)
	case messaging.BrokerMemory:
		cfg := uniqueConfig(t)
		cfg.Broker = messaging.BrokerMemory
		return cfg
	}
	t.Fatalf("unknown broker %q", broker)
	return messaging.Config{}
}

// KafkaPartitions is how many partitions the topics of Kafka get in tests.
const KafkaPartitions = 8

// Kafka starts a Kafka-protocol server (franz-go's kfake) in this process for the test and returns a
// messaging config for it, with a topic and consumer group unique to the test; the topic is created by
// the code under test. The server stops when the test ends.
func Kafka(t testing.TB) messaging.Config {
	t.Helper()
	cluster, err := kafkadev.Start(0, "", 0, "")
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	t.Cleanup(cluster.Close)
	cfg := uniqueConfig(t)
	cfg.Broker = messaging.BrokerKafka
	cfg.KafkaBrokers = cluster.ListenAddrs()
	cfg.KafkaPartitions = KafkaPartitions
	return cfg
}

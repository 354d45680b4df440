package testenv

import (
	"testing"

	"github.com/IBM/sarama"

	"github.com/analytics-pipeline/analytics/messaging"
)

// KafkaTopic creates cfg's topic on cfg's Kafka cluster before the code under test does, with
// partitions partitions and the topic configs given (max.message.bytes, say), and returns cfg with
// KafkaPartitions set to match.
func KafkaTopic(t testing.TB, cfg messaging.Config, partitions int32, configs map[string]string) messaging.Config {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(cfg.KafkaBrokers, sarama.NewConfig())
	if err != nil {
		t.Fatalf("kafka admin: %v", err)
	}
	defer admin.Close()
	entries := map[string]*string{}
	for k, v := range configs {
		entries[k] = &v
	}
	detail := &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1, ConfigEntries: entries}
	if err := admin.CreateTopic(cfg.KafkaTopic, detail, false); err != nil {
		t.Fatalf("create topic %s: %v", cfg.KafkaTopic, err)
	}
	cfg.KafkaPartitions = int(partitions)
	return cfg
}

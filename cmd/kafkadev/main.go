// Command kafkadev is a development-only Kafka-protocol server (franz-go's kfake) on KAFKA_BROKERS' port,
// with KAFKA_TOPIC created with KAFKA_PARTITIONS partitions. It runs until signalled. `go tool task run`
// starts it when BROKER=kafka and nothing answers at KAFKA_BROKERS.
package main

import (
	"github.com/analytics-pipeline/analytics/internal/cli"
	"github.com/analytics-pipeline/analytics/internal/kafkadev"
)

func main() {
	cli.Main("kafkadev", kafkadev.Run)
}

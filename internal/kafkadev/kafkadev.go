// Package kafkadev starts franz-go's kfake, an in-process server that speaks the Kafka protocol, for
// development and tests on a machine without Kafka. It is no Kafka: one process, no replication, and
// durable only with a data directory. Never use it in production.
package kafkadev

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Config is what the development server reads from the environment: the same names as the services.
type Config struct {
	// Brokers is KAFKA_BROKERS; the server listens on the port of the first address, on 127.0.0.1.
	Brokers    []string `env:"KAFKA_BROKERS" envSeparator:"," envDefault:"localhost:9092"`
	Topic      string   `env:"KAFKA_TOPIC" envDefault:"events"`
	Partitions int      `env:"KAFKA_PARTITIONS" envDefault:"16"`
	// DataDir keeps the topics, records and committed offsets across restarts; empty keeps them in memory.
	DataDir string `env:"KAFKADEV_DATA_DIR"`
}

// Start starts a one-broker cluster on port (0 picks a free one), with topic created with partitions
// partitions unless topic is empty. Close the cluster to stop it.
func Start(port int, topic string, partitions int, dataDir string) (*kfake.Cluster, error) {
	opts := []kfake.Opt{kfake.Ports(port)}
	if topic != "" {
		opts = append(opts, kfake.SeedTopics(int32(partitions), topic))
	}
	if dataDir != "" {
		opts = append(opts, kfake.DataDir(dataDir))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start kfake on port %d: %w", port, err)
	}
	return cluster, nil
}

// Run serves on the port of cfg.Brokers' first address until ctx ends.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if len(cfg.Brokers) == 0 {
		return fmt.Errorf("KAFKA_BROKERS is empty")
	}
	_, portText, err := net.SplitHostPort(cfg.Brokers[0])
	if err != nil {
		return fmt.Errorf("KAFKA_BROKERS=%q: %w", cfg.Brokers[0], err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("KAFKA_BROKERS=%q: port: %w", cfg.Brokers[0], err)
	}
	cluster, err := Start(port, cfg.Topic, cfg.Partitions, cfg.DataDir)
	if err != nil {
		return err
	}
	defer cluster.Close()
	log.Info("development Kafka-protocol server (kfake) listening; not for production",
		"addrs", cluster.ListenAddrs(), "topic", cfg.Topic, "partitions", cfg.Partitions, "data_dir", cfg.DataDir)
	<-ctx.Done()
	log.Info("stopping")
	return nil
}

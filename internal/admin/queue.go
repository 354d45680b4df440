package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/analytics-pipeline/analytics/messaging"
)

func parseStatus(args []string, out io.Writer) (*Command, error) {
	asJSON, err := parseJSONFlag("queue status", "print the status as JSON", args)
	if err != nil {
		return nil, err
	}
	return &Command{run: func(ctx context.Context, cfg Config, log *slog.Logger) error {
		switch cfg.Messaging.Broker {
		case messaging.BrokerKafka:
			return kafkaStatus(cfg, *asJSON, out)
		case messaging.BrokerMemory:
			return messaging.ErrMemoryNotShared
		}
		client, err := openRedis(ctx, cfg)
		if err != nil {
			return err
		}
		defer client.Close()
		status, err := messaging.QueueStatus(ctx, client, cfg.Messaging.Stream, cfg.Messaging.ConsumerGroup)
		if err != nil {
			return err
		}
		log.Debug("queue status", "status", status)
		if *asJSON {
			err = json.NewEncoder(out).Encode(status)
		} else {
			_, err = fmt.Fprint(out, status)
		}
		if err != nil {
			return fmt.Errorf("write status: %w", err)
		}
		return nil
	}}, nil
}

// openRedis connects to the configured Redis and checks that it answers.
func openRedis(ctx context.Context, cfg Config) (*redis.Client, error) {
	client := messaging.NewRedisClient(cfg.Messaging, 2)
	if err := messaging.PingRedis(ctx, client); err != nil {
		client.Close()
		return nil, err
	}
	return client, nil
}

// kafkaStatus prints the Kafka topic's length and the consumer group's lag, state and members.
func kafkaStatus(cfg Config, asJSON bool, out io.Writer) error {
	status, err := messaging.KafkaQueueStatus(cfg.Messaging)
	if err != nil {
		return err
	}
	if asJSON {
		err = json.NewEncoder(out).Encode(status)
	} else {
		_, err = fmt.Fprintf(out, "topic %s: %d partitions, length %d\ngroup %s: %s, lag %d, members %v\n",
			status.Topic, status.Partitions, status.Length, status.Group, status.State, status.Lag, status.Members)
	}
	if err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	return nil
}

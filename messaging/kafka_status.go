package messaging

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/IBM/sarama"
)

// KafkaGroupStatus is a snapshot of the topic and the processors' consumer group on it.
type KafkaGroupStatus struct {
	Topic      string `json:"topic"`
	Group      string `json:"group"`
	Partitions int    `json:"partitions"`
	// State is the group's state as the coordinator reports it (Stable, PreparingRebalance, Empty, Dead…).
	State string `json:"state"`
	// Members are the client ids of the group's members (one per processor subscriber).
	Members []string `json:"members"`
	// Length is how many records the topic's partitions hold in total (end offsets summed).
	Length int64 `json:"length"`
	// Lag is how many records the group has not committed yet, summed over partitions.
	Lag int64 `json:"lag"`
}

// LogValue logs the status as a group; members are summed up as their count.
func (s KafkaGroupStatus) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("topic", s.Topic),
		slog.String("group", s.Group),
		slog.Int("partitions", s.Partitions),
		slog.String("state", s.State),
		slog.Int("members", len(s.Members)),
		slog.Int64("length", s.Length),
		slog.Int64("lag", s.Lag),
	)
}

// KafkaQueueStatus reads the topic's end offsets, the group's committed offsets and its members.
func KafkaQueueStatus(cfg Config) (KafkaGroupStatus, error) {
	status := KafkaGroupStatus{Topic: cfg.KafkaTopic, Group: cfg.KafkaConsumerGroup}
	client, err := sarama.NewClient(cfg.KafkaBrokers, kafkaConfig(cfg, "analytics-status"))
	if err != nil {
		return status, fmt.Errorf("connect to kafka: %w", err)
	}
	admin, err := sarama.NewClusterAdminFromClient(client) // closing admin closes client
	if err != nil {
		client.Close()
		return status, fmt.Errorf("kafka admin: %w", err)
	}
	defer admin.Close()

	partitions, err := client.Partitions(cfg.KafkaTopic)
	if err != nil {
		return status, fmt.Errorf("partitions of %s: %w", cfg.KafkaTopic, err)
	}
	status.Partitions = len(partitions)
	committed, err := admin.ListConsumerGroupOffsets(cfg.KafkaConsumerGroup, map[string][]int32{cfg.KafkaTopic: partitions})
	if errors.Is(err, sarama.ErrGroupIDNotFound) {
		// No processor has joined the group yet (some servers say so, others answer with no offsets):
		// it has committed nothing, and everything is lag.
		committed, err = &sarama.OffsetFetchResponse{}, nil
	}
	if err != nil {
		return status, fmt.Errorf("offsets of group %s: %w", cfg.KafkaConsumerGroup, err)
	}
	for _, p := range partitions {
		end, err := client.GetOffset(cfg.KafkaTopic, p, sarama.OffsetNewest)
		if err != nil {
			return status, fmt.Errorf("end offset of %s/%d: %w", cfg.KafkaTopic, p, err)
		}
		start := int64(0)
		if block := committed.GetBlock(cfg.KafkaTopic, p); block != nil && block.Offset >= 0 {
			start = block.Offset
		}
		status.Length += end
		status.Lag += max(0, end-start)
	}
	groups, err := admin.DescribeConsumerGroups([]string{cfg.KafkaConsumerGroup})
	if err != nil {
		return status, fmt.Errorf("describe group %s: %w", cfg.KafkaConsumerGroup, err)
	}
	for _, g := range groups {
		status.State = g.State
		for _, m := range g.Members {
			status.Members = append(status.Members, m.ClientId)
		}
	}
	return status, nil
}

package ingestion_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/messaging"
)

// kafkaServer is an ingestion API under httptest publishing to a kfake topic through a gatedPublisher.
type kafkaServer struct {
	url  string
	cfg  messaging.Config
	api  *ingestion.API
	gate *gatedPublisher
}

func newKafkaServer(t *testing.T, cfg messaging.Config) kafkaServer {
	t.Helper()
	broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, broker.Close()) })
	gate := newGatedPublisher(broker.Publisher())
	api := ingestion.NewAPI(gate, broker.Topic(), broker.Ready, slog.New(slog.DiscardHandler))
	t.Cleanup(api.Close)
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Ingestion, api.Routes()))
	t.Cleanup(srv.Close)
	return kafkaServer{url: srv.URL, cfg: cfg, api: api, gate: gate}
}

// kafkaRecord is a record of the topic: its size as the producer counts it, and its events.
type kafkaRecord struct {
	id        string // <partition>-<offset>, as the publisher numbers messages
	partition int32
	key       string
	size      int
	events    []event.Event
}

// topicRecords reads every record of cfg's topic, partition by partition, up to its high-water mark.
func topicRecords(t *testing.T, cfg messaging.Config) []kafkaRecord {
	t.Helper()
	client, err := sarama.NewClient(cfg.KafkaBrokers, sarama.NewConfig())
	require.NoError(t, err)
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	require.NoError(t, err)
	defer consumer.Close()
	partitions, err := client.Partitions(cfg.KafkaTopic)
	require.NoError(t, err)
	var records []kafkaRecord
	for _, p := range partitions {
		high, err := client.GetOffset(cfg.KafkaTopic, p, sarama.OffsetNewest)
		require.NoError(t, err)
		if high == 0 {
			continue
		}
		pc, err := consumer.ConsumePartition(cfg.KafkaTopic, p, sarama.OffsetOldest)
		require.NoError(t, err)
		for msg := range pc.Messages() {
			wm, err := kafka.DefaultMarshaler{}.Unmarshal(msg)
			require.NoError(t, err)
			events, err := event.Unmarshal(wm.Payload)
			require.NoError(t, err)
			size := len(msg.Key) + len(msg.Value)
			for _, h := range msg.Headers {
				size += len(h.Key) + len(h.Value)
			}
			records = append(records, kafkaRecord{id: fmt.Sprintf("%d-%d", p, msg.Offset), partition: p, key: string(msg.Key), size: size, events: events})
			if msg.Offset+1 >= high {
				break
			}
		}
		require.NoError(t, pc.Close())
	}
	return records
}

// countEvents returns how many times each event id is in records.
func countEvents(records []kafkaRecord) map[string]int {
	seen := map[string]int{}
	for _, r := range records {
		for _, e := range r.events {
			seen[e.EventID]++
		}
	}
	return seen
}

// partitionOf is the partition the Kafka publisher's hash partitioner gives key among n.
func partitionOf(t *testing.T, key string, n int32) int32 {
	t.Helper()
	p, err := sarama.NewHashPartitioner("").Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder(key)}, n)
	require.NoError(t, err)
	return p
}

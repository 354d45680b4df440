package messaging

import (
	"fmt"

	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaRecords returns msgs as records of topic, written as watermill-kafka's DefaultMarshaler writes
// them (the payload as the value, the UUID and every metadata entry as headers), so that its
// unmarshaller, which the subscriber uses, reads them back; each is keyed by its PartitionKeyKey metadata.
func kafkaRecords(topic string, msgs []*message.Message) ([]*kgo.Record, error) {
	records := make([]*kgo.Record, len(msgs))
	for i, msg := range msgs {
		if msg.Metadata.Get(kafka.UUIDHeaderKey) != "" {
			return nil, fmt.Errorf("message %s: metadata %s is reserved for the message's UUID", msg.UUID, kafka.UUIDHeaderKey)
		}
		headers := make([]kgo.RecordHeader, 0, 1+len(msg.Metadata))
		headers = append(headers, kgo.RecordHeader{Key: kafka.UUIDHeaderKey, Value: []byte(msg.UUID)})
		for k, v := range msg.Metadata {
			headers = append(headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
		}
		record := &kgo.Record{Topic: topic, Value: msg.Payload, Headers: headers}
		if key := msg.Metadata.Get(PartitionKeyKey); key != "" {
			record.Key = []byte(key)
		}
		records[i] = record
	}
	return records, nil
}

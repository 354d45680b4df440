package messaging

import (
	"hash/fnv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaMaxBatchBytes bounds a record batch the producer sends, and so the largest record: one over it is
// refused before it is sent (ErrMessageTooLarge). It is below a topic's default max.message.bytes
// (1,048,588 bytes).
const kafkaMaxBatchBytes = 1_000_000

// kafkaProducerOptions configures the publisher's kgo client.
func kafkaProducerOptions(cfg Config) []kgo.Opt {
	return []kgo.Opt{
		kgo.SeedBrokers(cfg.KafkaBrokers...),
		kgo.ClientID("analytics-publisher"),
		// A dead cluster must surface as an error within PUBLISH_TIMEOUT, not after minutes of retries.
		kgo.DialTimeout(time.Second),
		kgo.RetryTimeout(cfg.PublishTimeout),
		kgo.ProduceRequestTimeout(max(cfg.PublishTimeout, 100*time.Millisecond)),

		// Acknowledged means written to every in-sync replica. The producer is idempotent (kgo's
		// default): each partition stays in publish order and free of duplicates through its own
		// retries, with up to five produce requests in flight per broker.
		kgo.RequiredAcks(kgo.AllISRAcks()),
		// Sarama's partitioner, which the publisher used before: a site's records stay on the partition
		// they went to then.
		kgo.RecordPartitioner(kgo.StickyKeyPartitioner(kgo.SaramaCompatHasher(fnv32a))),
		kgo.ProducerBatchMaxBytes(kafkaMaxBatchBytes),
		// Uncompressed, as before: snappy (kgo's default) measured neither faster nor slower in the
		// bench here, and would cost the processor decoding.
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		// ProduceSync ends the linger as soon as a Publish call has buffered all its records, so the
		// linger never delays a call; it only keeps the producer from sending a request before the
		// call's last record is buffered.
		kgo.ProducerLinger(10 * time.Millisecond),
	}
}

// fnv32a is Sarama's hash of a record key.
func fnv32a(key []byte) uint32 {
	h := fnv.New32a()
	h.Write(key)
	return h.Sum32()
}

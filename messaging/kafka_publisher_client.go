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

// kafkaLinger is how long the producer waits for more records before it sends a batch (see
// kafkaProducerOptions).
const kafkaLinger = 10 * time.Millisecond

// kafkaMaxBufferedBytes bounds the records the producer holds, sent or not, unanswered: a Publish that
// would go over it waits for room (within PUBLISH_TIMEOUT). It is a third of ingestion's soft memory
// limit (GOMEMLIMIT 48 MiB).
const kafkaMaxBufferedBytes = 16 << 20

// kafkaProducerOptions configures the publisher's kgo client.
func kafkaProducerOptions(cfg Config) []kgo.Opt {
	return []kgo.Opt{
		kgo.SeedBrokers(cfg.KafkaBrokers...),
		kgo.ClientID("analytics-publisher"),
		// A dead cluster must surface as an error within PUBLISH_TIMEOUT, not after minutes of retries:
		// RetryTimeout bounds metadata and admin requests; produce requests are retried until a record is
		// RecordDeliveryTimeout old (after Publish gave up on it), and then fail with every record buffered
		// behind it on that partition, which keeps what a dead cluster leaves in memory bounded in time
		// as MaxBufferedBytes bounds it in size.
		kgo.DialTimeout(time.Second),
		kgo.RetryTimeout(cfg.PublishTimeout),
		kgo.ProduceRequestTimeout(max(cfg.PublishTimeout, 100*time.Millisecond)),
		kgo.RecordDeliveryTimeout(cfg.PublishTimeout + kafkaLinger),
		kgo.MaxBufferedBytes(kafkaMaxBufferedBytes),

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
		kgo.ProducerLinger(kafkaLinger),
	}
}

// fnv32a is Sarama's hash of a record key.
func fnv32a(key []byte) uint32 {
	h := fnv.New32a()
	h.Write(key)
	return h.Sum32()
}

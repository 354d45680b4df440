package messaging

import (
	"fmt"
	"os"
)

// ConsumerNames returns the stable consumer names of a process that wants n messages handled at once: the
// configured prefix (or the host name) followed by an index, so a restarted processor reads under the same
// names as before. A memory subscriber holds one message at a time, so there are n names. A Redis or Kafka
// subscriber hands out many messages at once (REDIS_IN_FLIGHT_BYTES, KAFKA_IN_FLIGHT_BYTES), so a process
// needs one consumer: with Kafka more would only split its partitions and rebalance the group each time
// one joins or leaves.
func ConsumerNames(cfg Config, n int) []string {
	if cfg.Broker == BrokerKafka || cfg.Broker == BrokerRedis {
		n = min(n, 1)
	}
	prefix := cfg.ConsumerName
	if prefix == "" {
		prefix, _ = os.Hostname()
	}
	if prefix == "" {
		prefix = "processor"
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return names
}

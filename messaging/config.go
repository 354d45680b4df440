// Package messaging builds Watermill publishers, subscribers and the router middleware stack from
// configuration. It knows nothing about analytics events.
package messaging

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/analytics-pipeline/analytics/internal/envdefault"
)

// Broker names, the values of BROKER.
const (
	BrokerRedis  = "redis"
	BrokerKafka  = "kafka"
	BrokerMemory = "memory"
)

// Config selects and tunes the broker and the router's middleware. Fields carry their environment names
// and their defaults (envDefault), which SetDefaults also applies to a Config built in code; a field
// tagged zero:"valid" is one whose zero value is a setting, so it is not filled.
type Config struct {
	// Broker is redis (the default), kafka, or memory (in-process; only where every service shares one
	// process, see Shared).
	Broker        string `env:"BROKER" envDefault:"redis"`
	RedisHost     string `env:"REDIS_HOST" envDefault:"localhost"`
	RedisPort     int    `env:"REDIS_PORT" envDefault:"6379"`
	RedisPassword string `env:"REDIS_PASSWORD"`
	Stream        string `env:"REDIS_STREAM_NAME" envDefault:"events"`
	ConsumerGroup string `env:"REDIS_CONSUMER_GROUP" envDefault:"processor_events"`
	// RedisInFlightBytes bounds the payload bytes one Redis subscriber has handed out and not yet had
	// acknowledged; each message counts at least 64 bytes, and the subscriber always hands out at least one.
	RedisInFlightBytes int64 `env:"REDIS_IN_FLIGHT_BYTES" envDefault:"1048576"`
	// RedisRunEntries bounds the stream entries a Redis subscriber with runs on (WithRuns) hands out as
	// one message; 1 hands every entry out alone.
	RedisRunEntries int `env:"REDIS_RUN_ENTRIES" envDefault:"256"`
	// KafkaBrokers are the bootstrap addresses of the Kafka cluster.
	KafkaBrokers       []string `env:"KAFKA_BROKERS" envSeparator:"," envDefault:"localhost:9092"`
	KafkaTopic         string   `env:"KAFKA_TOPIC" envDefault:"events"`
	KafkaConsumerGroup string   `env:"KAFKA_CONSUMER_GROUP" envDefault:"processor_events"`
	// KafkaPartitions is how many partitions the topic is created with when it does not exist: the most
	// processors (one group member each) that can share the load.
	KafkaPartitions int `env:"KAFKA_PARTITIONS" envDefault:"16"`
	// KafkaRebalanceTimeout is how long the group waits for its members to rejoin a rebalance: a member
	// that has not by then leaves the group, and its partitions go to the others.
	KafkaRebalanceTimeout time.Duration `env:"KAFKA_REBALANCE_TIMEOUT" envDefault:"30s"`
	// KafkaInFlightBytes bounds the payload bytes one subscriber has handed out and not yet had
	// acknowledged or Nacked, over all its partitions and across rebalances; each message counts at least
	// 64 bytes, and the subscriber always hands out at least one.
	KafkaInFlightBytes int64 `env:"KAFKA_IN_FLIGHT_BYTES" envDefault:"1048576"`
	// MemoryBufferBytes bounds the payload bytes the in-process broker holds unacknowledged; a publish
	// waits up to PUBLISH_TIMEOUT for room and then fails (ingestion answers 503).
	MemoryBufferBytes int64 `env:"MEMORY_BUFFER_BYTES" envDefault:"16777216"`
	// ConsumerName is the stable prefix of this process's consumer names; empty means the host name.
	ConsumerName string `env:"CONSUMER_NAME"`
	// ClaimIdle is how long a message may stay pending with a dead consumer before another claims it.
	ClaimIdle     time.Duration `env:"CLAIM_IDLE" envDefault:"30s"`
	ClaimInterval time.Duration `env:"CLAIM_INTERVAL" envDefault:"5s"`
	// PublishTimeout bounds one publish call, so a dead broker answers quickly instead of hanging.
	PublishTimeout time.Duration `env:"PUBLISH_TIMEOUT" envDefault:"3s"`

	ThrottlePerSecond int64 `env:"THROTTLE_PER_SECOND" envDefault:"0"`
	// RetryMax is how many times the router retries a failing handler; 0, no retries, is a setting.
	RetryMax             int           `env:"RETRY_MAX" envDefault:"5" zero:"valid"`
	RetryInitialInterval time.Duration `env:"RETRY_INITIAL_INTERVAL" envDefault:"100ms"`
	RetryMaxInterval     time.Duration `env:"RETRY_MAX_INTERVAL" envDefault:"5s"`
	PoisonConfig
	// StreamRetention is how long the Redis stream keeps entries every consumer group has acknowledged,
	// for operators who want to re-read them; 0, trimming them as soon as they are acknowledged, is a
	// setting.
	StreamRetention time.Duration `env:"STREAM_RETENTION" envDefault:"0s" zero:"valid"`
	// StreamTrimInterval is how often each processor trims the Redis stream.
	StreamTrimInterval time.Duration `env:"STREAM_TRIM_INTERVAL" envDefault:"1s"`
}

// PoisonConfig names the poison queue. It is a struct of its own so that the migrate command, which
// creates the poison table, reads POISON_TOPIC with the same name and default as the router.
type PoisonConfig struct {
	// PoisonTopic names the poison queue, the Postgres table watermill_<PoisonTopic>.
	PoisonTopic string `env:"POISON_TOPIC" envDefault:"analytics_poison"`
}

// SetDefaults gives the zero fields the defaults their envDefault tags declare, for configs built in code
// rather than read from the environment. RetryMax is left as it is: zero is a setting, no retries.
func (c *Config) SetDefaults() {
	envdefault.Fill(c)
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.Broker != BrokerRedis && c.Broker != BrokerKafka && c.Broker != BrokerMemory:
		return fmt.Errorf("BROKER=%q: supported brokers: redis, kafka, memory", c.Broker)
	case c.RedisPort <= 0 || c.RedisPort > 65535:
		return fmt.Errorf("REDIS_PORT=%d: not a port", c.RedisPort)
	case c.Stream == "":
		return errors.New("REDIS_STREAM_NAME is empty")
	case c.ConsumerGroup == "":
		return errors.New("REDIS_CONSUMER_GROUP is empty")
	case c.Broker == BrokerKafka && (len(c.KafkaBrokers) == 0 || slices.Contains(c.KafkaBrokers, "")):
		return fmt.Errorf("KAFKA_BROKERS=%q: a comma-separated list of host:port", strings.Join(c.KafkaBrokers, ","))
	case c.RedisInFlightBytes < 1:
		return fmt.Errorf("REDIS_IN_FLIGHT_BYTES=%d: must be positive", c.RedisInFlightBytes)
	case c.RedisRunEntries < 1:
		return fmt.Errorf("REDIS_RUN_ENTRIES=%d: must be positive", c.RedisRunEntries)
	case c.KafkaTopic == "":
		return errors.New("KAFKA_TOPIC is empty")
	case c.KafkaConsumerGroup == "":
		return errors.New("KAFKA_CONSUMER_GROUP is empty")
	case c.KafkaPartitions < 1:
		return fmt.Errorf("KAFKA_PARTITIONS=%d: must be positive", c.KafkaPartitions)
	case c.KafkaRebalanceTimeout <= 0:
		return errors.New("KAFKA_REBALANCE_TIMEOUT must be positive")
	case c.KafkaInFlightBytes < 1:
		return fmt.Errorf("KAFKA_IN_FLIGHT_BYTES=%d: must be positive", c.KafkaInFlightBytes)
	case c.MemoryBufferBytes < 1:
		return fmt.Errorf("MEMORY_BUFFER_BYTES=%d: must be positive", c.MemoryBufferBytes)
	case c.ClaimIdle <= 0 || c.ClaimInterval <= 0:
		return errors.New("CLAIM_IDLE and CLAIM_INTERVAL must be positive")
	case c.RetryMax < 0 || c.ThrottlePerSecond < 0:
		return errors.New("RETRY_MAX and THROTTLE_PER_SECOND must not be negative")
	case c.PublishTimeout <= 0 || c.RetryInitialInterval <= 0 || c.RetryMaxInterval < c.RetryInitialInterval:
		return errors.New("PUBLISH_TIMEOUT and RETRY_INITIAL_INTERVAL must be positive, RETRY_MAX_INTERVAL at least RETRY_INITIAL_INTERVAL")
	case c.PoisonTopic == "":
		return errors.New("POISON_TOPIC is empty")
	case c.StreamRetention < 0 || c.StreamTrimInterval <= 0:
		return errors.New("STREAM_RETENTION must not be negative and STREAM_TRIM_INTERVAL must be positive")
	}
	return nil
}

// Topic is the topic (Redis stream, Kafka topic) the events travel on with the configured broker.
func (c Config) Topic() string {
	if c.Broker == BrokerKafka {
		return c.KafkaTopic
	}
	return c.Stream
}

// RedisAddr is host:port of the Redis server.
func (c Config) RedisAddr() string {
	return net.JoinHostPort(c.RedisHost, strconv.Itoa(c.RedisPort))
}

package messaging_test

import (
	"os"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/messaging"
)

// TestSetDefaultsKeepsZeroRetries: RETRY_MAX=0 means no retries, whether read from the environment or
// set in code; the services fill defaults into configs from either source, which must not undo it.
func TestSetDefaultsKeepsZeroRetries(t *testing.T) {
	t.Parallel()
	fromEnv, err := env.ParseAsWithOptions[messaging.Config](env.Options{Environment: map[string]string{"RETRY_MAX": "0"}})
	require.NoError(t, err)
	fromEnv.SetDefaults()
	require.Zero(t, fromEnv.RetryMax)

	var inCode messaging.Config
	inCode.SetDefaults()
	require.Zero(t, inCode.RetryMax)
	require.NoError(t, inCode.Validate())
}

func TestSetDefaultsKeepsSetValues(t *testing.T) {
	t.Parallel()
	cfg := messaging.Config{
		Broker:                "redis",
		RedisHost:             "redis.internal",
		RedisPort:             6380,
		RedisPassword:         "secret",
		Stream:                "clicks",
		ConsumerGroup:         "reporting_clicks",
		RedisInFlightBytes:    2 << 20,
		RedisRunEntries:       64,
		KafkaBrokers:          []string{"kafka-1:9092", "kafka-2:9092"},
		KafkaTopic:            "clicks",
		KafkaConsumerGroup:    "reporting_clicks",
		KafkaPartitions:       64,
		KafkaRebalanceTimeout: time.Minute,
		KafkaInFlightBytes:    4 << 20,
		MemoryBufferBytes:     64 << 20,
		ConsumerName:          "worker",
		ClaimIdle:             time.Minute,
		ClaimInterval:         10 * time.Second,
		PublishTimeout:        time.Second,
		ThrottlePerSecond:     50,
		RetryMax:              7,
		RetryInitialInterval:  time.Second,
		RetryMaxInterval:      time.Minute,
		PoisonConfig:          messaging.PoisonConfig{PoisonTopic: "dead_letters"},
		StreamRetention:       time.Hour,
		StreamTrimInterval:    10 * time.Second,
	}
	want := cfg
	cfg.SetDefaults()
	require.Equal(t, want, cfg)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		change  func(*messaging.Config)
		wantErr string
	}{
		{name: "defaults", change: func(*messaging.Config) {}},
		{name: "zero_retries_and_throttle", change: func(c *messaging.Config) { c.RetryMax, c.ThrottlePerSecond = 0, 0 }},
		{name: "highest_port", change: func(c *messaging.Config) { c.RedisPort = 65535 }},
		{name: "kafka", change: func(c *messaging.Config) { c.Broker = messaging.BrokerKafka }},
		{name: "memory", change: func(c *messaging.Config) { c.Broker = messaging.BrokerMemory }},
		{name: "unknown_broker", change: func(c *messaging.Config) { c.Broker = "rabbitmq" }, wantErr: "BROKER"},
		{name: "kafka_without_brokers", change: func(c *messaging.Config) { c.Broker, c.KafkaBrokers = messaging.BrokerKafka, nil }, wantErr: "KAFKA_BROKERS"},
		{name: "kafka_empty_broker", change: func(c *messaging.Config) { c.Broker, c.KafkaBrokers = messaging.BrokerKafka, []string{"a:9092", ""} }, wantErr: "KAFKA_BROKERS"},
		{name: "empty_kafka_topic", change: func(c *messaging.Config) { c.KafkaTopic = "" }, wantErr: "KAFKA_TOPIC"},
		{name: "empty_kafka_group", change: func(c *messaging.Config) { c.KafkaConsumerGroup = "" }, wantErr: "KAFKA_CONSUMER_GROUP"},
		{name: "zero_kafka_partitions", change: func(c *messaging.Config) { c.KafkaPartitions = 0 }, wantErr: "KAFKA_PARTITIONS"},
		{name: "zero_kafka_rebalance_timeout", change: func(c *messaging.Config) { c.KafkaRebalanceTimeout = 0 }, wantErr: "KAFKA_REBALANCE_TIMEOUT"},
		{name: "zero_memory_buffer_bytes", change: func(c *messaging.Config) { c.MemoryBufferBytes = 0 }, wantErr: "MEMORY_BUFFER_BYTES"},
		{name: "zero_kafka_in_flight_bytes", change: func(c *messaging.Config) { c.KafkaInFlightBytes = 0 }, wantErr: "KAFKA_IN_FLIGHT_BYTES"},
		{name: "zero_redis_in_flight_bytes", change: func(c *messaging.Config) { c.RedisInFlightBytes = 0 }, wantErr: "REDIS_IN_FLIGHT_BYTES"},
		{name: "zero_redis_run_entries", change: func(c *messaging.Config) { c.RedisRunEntries = 0 }, wantErr: "REDIS_RUN_ENTRIES"},
		{name: "zero_port", change: func(c *messaging.Config) { c.RedisPort = 0 }, wantErr: "REDIS_PORT"},
		{name: "negative_port", change: func(c *messaging.Config) { c.RedisPort = -1 }, wantErr: "REDIS_PORT"},
		{name: "port_too_large", change: func(c *messaging.Config) { c.RedisPort = 65536 }, wantErr: "REDIS_PORT"},
		{name: "empty_stream", change: func(c *messaging.Config) { c.Stream = "" }, wantErr: "REDIS_STREAM_NAME"},
		{name: "empty_consumer_group", change: func(c *messaging.Config) { c.ConsumerGroup = "" }, wantErr: "REDIS_CONSUMER_GROUP"},
		{name: "zero_claim_idle", change: func(c *messaging.Config) { c.ClaimIdle = 0 }, wantErr: "CLAIM_IDLE"},
		{name: "negative_claim_interval", change: func(c *messaging.Config) { c.ClaimInterval = -time.Second }, wantErr: "CLAIM_INTERVAL"},
		{name: "negative_retry_max", change: func(c *messaging.Config) { c.RetryMax = -1 }, wantErr: "RETRY_MAX"},
		{name: "negative_throttle", change: func(c *messaging.Config) { c.ThrottlePerSecond = -1 }, wantErr: "THROTTLE_PER_SECOND"},
		{name: "empty_poison_topic", change: func(c *messaging.Config) { c.PoisonTopic = "" }, wantErr: "POISON_TOPIC"},
		{name: "zero_stream_retention", change: func(c *messaging.Config) { c.StreamRetention = 0 }},
		{name: "negative_stream_retention", change: func(c *messaging.Config) { c.StreamRetention = -time.Second }, wantErr: "STREAM_RETENTION"},
		{name: "zero_stream_trim_interval", change: func(c *messaging.Config) { c.StreamTrimInterval = 0 }, wantErr: "STREAM_TRIM_INTERVAL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var cfg messaging.Config
			cfg.SetDefaults()
			tc.change(&cfg)
			err := cfg.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestTopicFollowsBroker(t *testing.T) {
	t.Parallel()
	cfg := messaging.Config{Stream: "stream", KafkaTopic: "topic"}
	for broker, want := range map[string]string{messaging.BrokerRedis: "stream", messaging.BrokerKafka: "topic", messaging.BrokerMemory: "stream"} {
		cfg.Broker = broker
		require.Equal(t, want, cfg.Topic(), broker)
	}
}

func TestRedisAddr(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		host string
		port int
		want string
	}{
		{name: "host_name", host: "redis", port: 6379, want: "redis:6379"},
		{name: "ipv4", host: "127.0.0.1", port: 6380, want: "127.0.0.1:6380"},
		{name: "ipv6", host: "::1", port: 6379, want: "[::1]:6379"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, messaging.Config{RedisHost: tc.host, RedisPort: tc.port}.RedisAddr())
		})
	}
}

func TestConsumerNames(t *testing.T) {
	t.Parallel()
	hostname, err := os.Hostname()
	require.NoError(t, err)
	require.NotEmpty(t, hostname)

	cases := []struct {
		name   string
		broker string
		prefix string
		n      int
		want   []string
	}{
		{name: "kafka_one_group_member", broker: messaging.BrokerKafka, prefix: "worker", n: 16, want: []string{"worker-0"}},
		{name: "redis_one_consumer", broker: messaging.BrokerRedis, prefix: "worker", n: 16, want: []string{"worker-0"}},
		{name: "configured_prefix", prefix: "processor-a", n: 3, want: []string{"processor-a-0", "processor-a-1", "processor-a-2"}},
		{name: "single_consumer", prefix: "worker", n: 1, want: []string{"worker-0"}},
		{name: "no_consumers", prefix: "worker", n: 0, want: []string{}},
		{name: "host_name_when_unset", n: 2, want: []string{hostname + "-0", hostname + "-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := messaging.Config{Broker: tc.broker, ConsumerName: tc.prefix}
			names := messaging.ConsumerNames(cfg, tc.n)
			require.Equal(t, tc.want, names)
			require.Equal(t, names, messaging.ConsumerNames(cfg, tc.n), "names must be stable across calls")
		})
	}
}

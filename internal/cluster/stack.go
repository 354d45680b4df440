package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Broker names a stack can run on, the values of BROKER.
const (
	BrokerRedis  = "redis"
	BrokerKafka  = "kafka"
	BrokerMemory = "memory"
)

// Stack is one private pipeline: its own Postgres and broker, and the services prepared (not yet
// started) as processes configured for them.
//
// With Redis, Redis runs as a process; with Kafka, the development Kafka-protocol server (kafkadev) does,
// unless env names an existing cluster (KAFKA_BROKERS).
// With the in-process memory broker there is one all-in-one process, and Ingestion, Processor and
// Reporting are the same Service.
type Stack struct {
	Dir      string
	Broker   string
	Postgres *Postgres
	Redis    *Redis   // nil unless Broker is redis
	Kafka    *Service // kafkadev; nil unless Broker is kafka and no KAFKA_BROKERS was given
	// Ingestion, Processor and Reporting run the three services; one all-in-one Service with memory.
	Ingestion *Service
	Processor *Service
	Reporting *Service
	// IngestionURL and ReportingURL are the services' base URLs.
	IngestionURL, ReportingURL string
	// Env is the services' environment (KEY=VALUE), for other commands run against the stack.
	Env    []string
	binDir string
}

// NewStack starts Postgres and broker's server with their data under dir (which must be reachable by
// the postgres user when running as root), migrates the database with binDir's migrate command (the
// services only check the schema) and prepares the services from binDir; env adds or overrides variables.
// Close stops everything, also after an error.
func NewStack(dir, binDir, broker string, env ...string) (*Stack, error) {
	s := &Stack{Dir: dir, Broker: broker, binDir: binDir}
	ports := make([]int, 4)
	for i := range ports {
		port, err := FreePort()
		if err != nil {
			return s, err
		}
		ports[i] = port
	}
	var err error
	if s.Postgres, err = StartPostgres(filepath.Join(dir, "postgres"), ports[0]); err != nil {
		return s, err
	}
	// Every processor of the stack picks a free metrics port: several run side by side.
	s.Env = []string{"DATABASE_URL=" + s.Postgres.URL, "BROKER=" + broker,
		fmt.Sprint("INGESTION_PORT=", ports[2]), fmt.Sprint("REPORTING_PORT=", ports[3]), "METRICS_PORT=0"}
	switch broker {
	case BrokerRedis:
		redisDir := filepath.Join(dir, "redis")
		if err := os.MkdirAll(redisDir, 0o755); err != nil {
			return s, fmt.Errorf("redis dir: %w", err)
		}
		if s.Redis, err = StartRedis(redisDir, ports[1]); err != nil {
			return s, err
		}
		s.Env = append(s.Env, "REDIS_HOST=127.0.0.1", fmt.Sprint("REDIS_PORT=", ports[1]))
	case BrokerKafka:
		if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "KAFKA_BROKERS=") }) {
			break // an existing cluster
		}
		s.Env = append(s.Env, fmt.Sprint("KAFKA_BROKERS=127.0.0.1:", ports[1]))
		s.Kafka = NewService(binDir, "kafkadev", dir, ports[1], slices.Concat(s.Env, env)...)
		if err := s.Kafka.Start(); err != nil {
			return s, err
		}
	case BrokerMemory:
	default:
		return s, fmt.Errorf("unknown broker %q", broker)
	}
	s.Env = append(s.Env, env...)
	if err := s.Migrate(); err != nil {
		return s, err
	}
	if broker == BrokerMemory {
		all := NewService(binDir, "analytics", dir, ports[2], s.Env...).alsoWaitingFor(ports[3])
		s.Ingestion, s.Processor, s.Reporting = all, all, all
	} else {
		s.Ingestion = NewService(binDir, "ingestion", dir, ports[2], s.Env...)
		s.Processor = NewService(binDir, "processor", dir, 0, s.Env...)
		s.Reporting = NewService(binDir, "reporting", dir, ports[3], s.Env...)
	}
	s.IngestionURL = fmt.Sprint("http://127.0.0.1:", ports[2])
	s.ReportingURL = fmt.Sprint("http://127.0.0.1:", ports[3])
	return s, nil
}

// Migrate applies the migrations to the stack's database with the migrate command; NewStack does it
// once before the services can start. It runs with the services' environment, so it creates the poison
// table of the POISON_TOPIC the processors check (a processor given another one by AnotherProcessor
// exits at start-up saying so).
func (s *Stack) Migrate() error {
	cmd := exec.Command(filepath.Join(s.binDir, "migrate"))
	cmd.Env = append(os.Environ(), s.Env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("migrate: %w\n%s", err, out)
	}
	return nil
}

// RedisAddr is the address of the stack's Redis.
func (s *Stack) RedisAddr() string {
	return fmt.Sprint("127.0.0.1:", s.Redis.Port)
}

// Close stops the services, the broker's server and Postgres.
func (s *Stack) Close() {
	for _, svc := range []*Service{s.Ingestion, s.Processor, s.Reporting, s.Kafka} {
		if svc != nil {
			svc.Stop()
		}
	}
	if s.Redis != nil {
		s.Redis.Stop()
	}
	if s.Postgres != nil {
		s.Postgres.Stop()
	}
}

// serviceWait bounds how long Start waits for a service to listen.
const serviceWait = 60 * time.Second

package processor

import (
	"errors"
	"fmt"
	"time"

	"github.com/analytics-pipeline/analytics/internal/envdefault"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Config is the processor's configuration; fields carry their environment names and defaults.
type Config struct {
	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable"`
	// Concurrency is how many consumers read a memory broker at once; their events share batches. A Redis
	// or Kafka consumer holds many messages at once, so a processor is one consumer there.
	Concurrency int `env:"PROCESSOR_CONCURRENCY" envDefault:"16"`
	BatchSize   int `env:"PROCESSOR_BATCH_SIZE" envDefault:"2000"`
	// Writers is how many batches are written to Postgres at once.
	Writers         int           `env:"PROCESSOR_WRITERS" envDefault:"2"`
	BatchWait       time.Duration `env:"PROCESSOR_BATCH_WAIT" envDefault:"5ms"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"15s"`
	// StatusInterval is how often the queue's length, pending count and lag are logged.
	StatusInterval time.Duration    `env:"STATUS_INTERVAL" envDefault:"30s"`
	Messaging      messaging.Config `envPrefix:""`

	// MaxMessageEvents bounds the events one message may carry (ingestion packs at most 1,000); a message
	// with more is poisoned before it reaches the batcher, so no message makes a batch of any size.
	MaxMessageEvents int `env:"PROCESSOR_MAX_MESSAGE_EVENTS" envDefault:"5000"`
	// StatementTimeout is Postgres's statement_timeout on the processor's connections. A write also has a
	// deadline of its own, applyMargin longer, for what the server cannot end: a wait for a connection, a
	// network that stops answering.
	StatementTimeout time.Duration `env:"PG_STATEMENT_TIMEOUT" envDefault:"30s"`

	// RawEventsRetention is how long raw events are kept, by the time they occurred; 0 keeps them forever.
	// The projections are never deleted. See retention.go.
	RawEventsRetention time.Duration `env:"RAW_EVENTS_RETENTION" envDefault:"0s"`
	// RetentionInterval is how often a processor deletes the raw events older than RawEventsRetention.
	RetentionInterval time.Duration `env:"RETENTION_INTERVAL" envDefault:"1h"`
	// RetentionBatchSize bounds the raw events one retention transaction deletes.
	RetentionBatchSize int `env:"RETENTION_BATCH_SIZE" envDefault:"5000"`

	// MetricsPort is the port of the processor's GET /metrics and GET /health (Run); 0 picks a free port,
	// which the log names, and is what a config built in code gets.
	MetricsPort int `env:"METRICS_PORT" envDefault:"9464" zero:"valid"`
}

// SetDefaults gives the zero fields, the messaging settings included, the defaults their envDefault tags
// declare, for configs built in code rather than read from the environment (see messaging.Config).
func (c *Config) SetDefaults() {
	envdefault.Fill(c)
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.DatabaseURL == "":
		return errors.New("DATABASE_URL is empty")
	case c.Concurrency < 1 || c.BatchSize < 1 || c.BatchWait <= 0 || c.Writers < 1:
		return errors.New("PROCESSOR_CONCURRENCY, PROCESSOR_BATCH_SIZE, PROCESSOR_BATCH_WAIT and PROCESSOR_WRITERS must be positive")
	case c.ShutdownTimeout <= 0 || c.StatusInterval <= 0:
		return errors.New("SHUTDOWN_TIMEOUT and STATUS_INTERVAL must be positive")
	case c.MaxMessageEvents < 1 || c.StatementTimeout < time.Millisecond:
		return errors.New("PROCESSOR_MAX_MESSAGE_EVENTS and PG_STATEMENT_TIMEOUT must be positive")
	case c.RawEventsRetention < 0:
		return errors.New("RAW_EVENTS_RETENTION must not be negative (0 keeps raw events forever)")
	case c.RetentionInterval <= 0 || c.RetentionBatchSize < 1:
		return errors.New("RETENTION_INTERVAL and RETENTION_BATCH_SIZE must be positive")
	case c.MetricsPort < 0 || c.MetricsPort > 65535:
		return fmt.Errorf("METRICS_PORT=%d: not a port", c.MetricsPort)
	}
	return c.Messaging.Validate()
}

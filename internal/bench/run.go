package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// Config holds the benchmark's parameters.
type Config struct {
	// Broker is the broker the services run on: redis, kafka (the development server kafkadev) or memory
	// (the all-in-one process).
	Broker      string
	Duration    time.Duration // each HTTP figure
	Conns       int           // connections for the POST figures
	Events      int           // at least this many events are processed
	LagRate     int           // events per second during the lag figure
	LagDuration time.Duration
	StatsEvents int // raw events behind the /stats figure
	StatsConns  int
	// QueryEvents is about how many raw events the query figures' data set holds (100 sites, Zipf, 90
	// days); QueryConns how many connections load POST /api/v2/query.
	QueryEvents int
	QueryConns  int
	// QueryExplain prints EXPLAIN (ANALYZE, BUFFERS) of the statements of every query figure.
	QueryExplain bool
	// NotifyEvents is the single-entry backlog of the notify figure; its packed backlog holds 20 times
	// as many events.
	NotifyEvents int
	// StreamEvents is the load of the Redis memory figure.
	StreamEvents int
	// BacklogEvents is the backlog of the backlog figure: that many events, each its own stream entry.
	BacklogEvents int
	// KafkaBrokers, when not empty, is an existing Kafka cluster the Kafka figures run on instead of the
	// development server kafkadev.
	KafkaBrokers []string
	// LimitRate is the rate, in events per second, of both rate limits of the post figure's ingestion
	// with limits on; 0 leaves that figure out.
	LimitRate float64
	// LiveDuration is how long the live-lag figure's one connection sends.
	LiveDuration time.Duration
	// Only, when not empty, names the figures to measure: backlog, post, kafka, processing, lag, livelag, stats,
	// query, memory, notify, streammem.
	// Notify is measured only when named.
	Only []string
	Log  io.Writer // progress messages
}

// Targets and references of the issue, for the table.
const (
	singleRatioTarget   = 0.75
	batchTarget         = 250000.0
	processingRatio     = 0.25
	lagTarget           = 500 * time.Millisecond
	statsP99Target      = 5 * time.Millisecond
	seedStatsPerSecond  = 1900.0 // the seed's GET /stats at 32 connections (FACTS.md)
	rssTarget           = 64 << 20
	echoServiceName     = "bench"
	statsTargetMultiple = 10
)

// Run provisions a private Postgres and Redis, builds and starts the services, measures every figure
// with its ceiling in the same run and returns the table's rows.
func Run(ctx context.Context, cfg Config) ([]Row, error) {
	if !slices.Contains([]string{cluster.BrokerRedis, cluster.BrokerKafka, cluster.BrokerMemory}, cfg.Broker) {
		return nil, fmt.Errorf("unknown broker %q: want redis, kafka or memory", cfg.Broker)
	}
	dir, err := os.MkdirTemp("", "analytics-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := cluster.ModuleRoot()
	if err != nil {
		return nil, err
	}
	logf(cfg, "building the services")
	binDir, err := cluster.Build(root, filepath.Join(dir, "bin"))
	if err != nil {
		return nil, err
	}
	logf(cfg, "starting Postgres and the %s broker in %s", cfg.Broker, dir)
	env := []string{"LOG_LEVEL=warn"}
	if cfg.Broker == cluster.BrokerKafka {
		env = append(env, kafkaEnv(cfg)...)
	}
	s, err := cluster.NewStack(dir, binDir, cfg.Broker, env...)
	defer s.Close()
	if err != nil {
		return nil, err
	}
	m := &measurement{cfg: cfg, stack: s, binDir: binDir, started: map[*cluster.Service]bool{}}
	steps := []struct {
		name     string
		run      func(context.Context) error
		optional bool // measured only when named in Only
	}{{"backlog", m.backlog, false}, {"post", m.ingestion, false}, {"kafka", m.kafka, false}, {"processing", m.processing, false}, {"lag", m.lag, false},
		{"livelag", m.liveLag, false},
		{"stats", m.stats, false}, {"query", m.query, false}, {"notify", m.notify, true}, {"streammem", m.streamMemory, false}, {"memory", m.memory, false}}
	for _, step := range steps {
		named := slices.Contains(cfg.Only, step.name)
		if !named && (step.optional || len(cfg.Only) > 0) {
			continue
		}
		if err := step.run(ctx); err != nil {
			return m.rows, fmt.Errorf("%s: %w", step.name, err)
		}
	}
	return m.rows, nil
}

func logf(cfg Config, format string, args ...any) {
	fmt.Fprintf(cfg.Log, "bench: "+format+"\n", args...)
}

// measurement carries the state between the figures.
type measurement struct {
	cfg      Config
	stack    *cluster.Stack
	binDir   string
	ingested int64 // events ingestion acknowledged
	rows     []Row
	// started holds the services started so far (with memory, one process is all three).
	started map[*cluster.Service]bool
}

// start starts svc unless it runs already.
func (m *measurement) start(svc *cluster.Service) error {
	if m.started[svc] {
		return nil
	}
	m.started[svc] = true
	return svc.Start()
}

func (m *measurement) add(r Row) {
	m.rows = append(m.rows, r)
	logf(m.cfg, "%s: %s (%s)", r.Figure, r.Measured, r.Against)
}

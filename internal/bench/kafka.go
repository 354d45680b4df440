package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// kafkaRounds is how many times the Kafka figure alternates between Redis and Kafka, so that both see
// the same moments of a noisy machine; each ratio is the median of the rounds'.
const kafkaRounds = 3

// kafkaEnv is what the services' environment adds on Kafka: with -kafka-brokers, the existing cluster and
// a topic of the run's own, so that the figures neither read nor count events already there.
func kafkaEnv(cfg Config) []string {
	if len(cfg.KafkaBrokers) == 0 {
		return nil
	}
	return []string{"KAFKA_BROKERS=" + strings.Join(cfg.KafkaBrokers, ","), fmt.Sprint("KAFKA_TOPIC=bench-", time.Now().UnixNano())}
}

// kafka measures POST /event and POST /events ×100 on Redis and on Kafka (kafkadev, or the cluster of
// -kafka-brokers), alternating between them, each on a stack of its own with no processor running, and
// reports Kafka beside Redis.
func (m *measurement) kafka(ctx context.Context) error {
	redis, err := m.sideStack(cluster.BrokerRedis)
	if redis != nil {
		defer redis.Close()
	}
	if err != nil {
		return err
	}
	kafka, err := m.sideStack(cluster.BrokerKafka, kafkaEnv(m.cfg)...)
	if kafka != nil {
		defer kafka.Close()
	}
	if err != nil {
		return err
	}
	where := "kafkadev"
	if len(m.cfg.KafkaBrokers) > 0 {
		where = strings.Join(m.cfg.KafkaBrokers, ",")
	}
	segment := max(time.Second, m.cfg.Duration/kafkaRounds)

	logf(m.cfg, "POST /event on Redis, then on Kafka (%s), %d rounds of %s each, %d connections", where, kafkaRounds, segment, m.cfg.Conns)
	r, k, ratios := alternate(ctx, kafkaRounds, HTTPLoad{URL: redis.IngestionURL + "/event", ContentType: "application/json",
		Bodies: singleBodies(1024), Conns: m.cfg.Conns, Duration: segment}, kafka.IngestionURL+"/event")
	ratio := median(ratios)
	m.add(Row{
		Figure: fmt.Sprintf("Kafka (%s) POST /event, %d connections", where, m.cfg.Conns),
		Measured: fmt.Sprintf("%s (p99 %s, %d failed; round ratios %s)", perSecond(k.PerSecond()),
			k.Percentile(0.99).Round(time.Microsecond), k.Failed, formatRatios(ratios)),
		Against: fmt.Sprintf("Redis %s (p99 %s), alternating with it; target median ratio ≥ %.2f", perSecond(r.PerSecond()),
			r.Percentile(0.99).Round(time.Microsecond), singleRatioTarget),
		Ratio: fmt.Sprintf("%.2f", ratio), Met: ratio >= singleRatioTarget && k.Failed == 0 && r.Failed == 0,
	})

	logf(m.cfg, "POST /events, 100 events per request, on Redis, then on Kafka, %d rounds of %s each", kafkaRounds, segment)
	r, k, ratios = alternate(ctx, kafkaRounds, HTTPLoad{URL: redis.IngestionURL + "/events", ContentType: "application/json",
		Bodies: batchBodies(64, 100), Conns: m.cfg.Conns, Duration: segment}, kafka.IngestionURL+"/events")
	events := k.PerSecond() * 100
	m.add(Row{
		Figure: fmt.Sprintf("Kafka (%s) POST /events, 100 events per request", where),
		Measured: fmt.Sprintf("%s events (p99 %s, %d failed; %.2f of Redis's %s events, round ratios %s)", perSecond(events),
			k.Percentile(0.99).Round(time.Microsecond), k.Failed, median(ratios), perSecond(r.PerSecond()*100), formatRatios(ratios)),
		Against: fmt.Sprintf("target %s events", perSecond(batchTarget)),
		Ratio:   fmt.Sprintf("%.2f", events/batchTarget), Met: events >= batchTarget && k.Failed == 0,
	})
	return nil
}

// sideStack starts a stack of its own on broker, beside the run's, with its ingestion running.
func (m *measurement) sideStack(broker string, env ...string) (*cluster.Stack, error) {
	dir := filepath.Join(m.stack.Dir, "side-"+broker)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	logf(m.cfg, "starting a %s stack for the Kafka figure in %s", broker, dir)
	s, err := cluster.NewStack(dir, m.binDir, broker, slices.Concat([]string{"LOG_LEVEL=warn"}, env)...)
	if err != nil {
		return s, err
	}
	return s, s.Ingestion.Start()
}

// alternate runs load, then the same load on other, rounds times, and returns each side's results added
// up and the ratio other/load of each round.
func alternate(ctx context.Context, rounds int, load HTTPLoad, other string) (HTTPResult, HTTPResult, []float64) {
	var first, second HTTPResult
	var ratios []float64
	for range rounds {
		a := load.Run(ctx)
		b := HTTPLoad{URL: other, ContentType: load.ContentType, Bodies: load.Bodies, Conns: load.Conns, Duration: load.Duration}.Run(ctx)
		first, second = first.Add(a), second.Add(b)
		ratios = append(ratios, b.PerSecond()/a.PerSecond())
	}
	return first, second, ratios
}

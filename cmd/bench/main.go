// Command bench measures the pipeline's throughput, lag, /stats and query API latency and memory on this machine,
// side by side with the machine's ceilings, and prints a table.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/analytics-pipeline/analytics/internal/bench"
)

func main() {
	var cfg bench.Config
	echo := flag.String("echo", "", "serve the bare POST /event ceiling on this address instead (used by the benchmark itself)")
	flag.StringVar(&cfg.Broker, "broker", "redis", "broker the services run on: redis, kafka (the development server kafkadev) or memory (the all-in-one process)")
	flag.DurationVar(&cfg.Duration, "duration", 10*time.Second, "length of each HTTP figure")
	flag.IntVar(&cfg.Conns, "conns", 64, "keep-alive connections for the POST figures")
	flag.IntVar(&cfg.Events, "events", 1_000_000, "process at least this many events")
	flag.IntVar(&cfg.LagRate, "lag-rate", 20000, "events per second during the lag figure")
	flag.DurationVar(&cfg.LagDuration, "lag-duration", 60*time.Second, "length of the lag figure")
	flag.DurationVar(&cfg.LiveDuration, "live-duration", 60*time.Second, "length of the live-lag figure: one connection sending POST /event as fast as it can")
	flag.IntVar(&cfg.StatsEvents, "stats-events", 1_000_000, "raw events behind the /stats figure (1M per day of 100 sites × 10k paths)")
	flag.IntVar(&cfg.StatsConns, "stats-conns", 32, "connections for the /stats figure")
	flag.IntVar(&cfg.QueryEvents, "query-events", 10_000_000, "about how many raw events the query figures' data set holds: 100 sites with Zipf-distributed traffic over 90 days")
	flag.IntVar(&cfg.QueryConns, "query-conns", 32, "connections for the POST /api/v2/query figures")
	flag.BoolVar(&cfg.QueryExplain, "query-explain", false, "after the query figures, print EXPLAIN (ANALYZE, BUFFERS) of the statements each query runs")
	flag.IntVar(&cfg.NotifyEvents, "notify-events", 20000, "events of the notify figure's single-entry backlog (its packed backlog holds 20 times as many)")
	flag.IntVar(&cfg.StreamEvents, "stream-events", 200_000, "events of the Redis memory figure (the issue's target is for 5000000)")
	flag.IntVar(&cfg.BacklogEvents, "backlog-events", 200_000, "events of the backlog figure, each its own stream entry, posted by one connection one request at a time")
	flag.Float64Var(&cfg.LimitRate, "limit-rate", 1e9, "events/s of both rate limits (per client, per site) of the ingestion that the post figure compares with one without limits; high enough that nothing is refused; 0 leaves the comparison out")
	kafkaBrokers := flag.String("kafka-brokers", "", "comma-separated host:port of an existing Kafka cluster for the Kafka figures (on topics bench-<time> of the run's own, which it leaves there), instead of starting kafkadev")
	only := flag.String("only", "", "comma-separated figures to measure (backlog, post, kafka, processing, lag, livelag, stats, query, notify, streammem, memory); all but notify when empty")
	flag.Parse()
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	if *kafkaBrokers != "" {
		cfg.KafkaBrokers = strings.Split(*kafkaBrokers, ",")
	}
	cfg.Log = os.Stderr

	if *echo != "" {
		if err := http.ListenAndServe(*echo, bench.EchoHandler()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rows, err := bench.Run(ctx, cfg)
	bench.Print(os.Stdout, rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		stop()
		os.Exit(1)
	}
}

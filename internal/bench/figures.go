package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// postRounds is how many times the POST /event figure alternates between the echo server and ingestion,
// so that both see the same moments of a noisy machine; the ratio is the median of the rounds'.
const postRounds = 3

// ingestion measures single-event POST /event against the bare echo server, batch POST /events, and
// single-event POST /event with rate limits on against the same without (limits).
func (m *measurement) ingestion(ctx context.Context) error {
	port, err := cluster.FreePort()
	if err != nil {
		return err
	}
	echo := cluster.NewService(m.binDir, echoServiceName, m.stack.Dir, port).WithArgs("-echo", fmt.Sprint(":", port))
	if err := echo.Start(); err != nil {
		return err
	}
	defer echo.Stop()
	if err := m.startIngestion(); err != nil {
		return err
	}
	single := singleBodies(1024)
	segment := max(time.Second, m.cfg.Duration/postRounds)
	load := func(url string) HTTPResult {
		return HTTPLoad{URL: url, ContentType: "application/json", Bodies: single, Conns: m.cfg.Conns, Duration: segment}.Run(ctx)
	}
	logf(m.cfg, "POST /event: bare net/http server, then ingestion, %d rounds of %s each, %d connections", postRounds, segment, m.cfg.Conns)
	var ceiling, got HTTPResult
	var ratios []float64
	for range postRounds {
		c := load(fmt.Sprintf("http://127.0.0.1:%d/event", port))
		g := load(m.stack.IngestionURL + "/event")
		ceiling, got = ceiling.Add(c), got.Add(g)
		ratios = append(ratios, g.PerSecond()/c.PerSecond())
	}
	echo.Stop()
	rounds := make([]string, len(ratios))
	for i, r := range ratios {
		rounds[i] = fmt.Sprintf("%.2f", r)
	}
	slices.Sort(ratios)
	ratio := ratios[len(ratios)/2]
	m.add(Row{
		Figure: fmt.Sprintf("POST /event, %d connections", m.cfg.Conns),
		Measured: fmt.Sprintf("%s (p99 %s, %d failed; round ratios %s)", perSecond(got.PerSecond()),
			got.Percentile(0.99).Round(time.Microsecond), got.Failed, strings.Join(rounds, " ")),
		Against: fmt.Sprintf("bare net/http %s, alternating with it; target median ratio ≥ %.2f", perSecond(ceiling.PerSecond()), singleRatioTarget),
		Ratio:   fmt.Sprintf("%.2f", ratio), Met: ratio >= singleRatioTarget && got.Failed == 0,
	})
	m.ingested += got.OK

	logf(m.cfg, "POST /events, 100 events per request")
	batch := HTTPLoad{URL: m.stack.IngestionURL + "/events", ContentType: "application/json",
		Bodies: batchBodies(64, 100), Conns: m.cfg.Conns, Duration: m.cfg.Duration}.Run(ctx)
	events := batch.PerSecond() * 100
	m.add(Row{
		Figure:   "POST /events, 100 events per request",
		Measured: fmt.Sprintf("%s events (p99 %s, %d failed)", perSecond(events), batch.Percentile(0.99).Round(time.Microsecond), batch.Failed),
		Against:  fmt.Sprintf("target %s events", perSecond(batchTarget)),
		Ratio:    fmt.Sprintf("%.2f", events/batchTarget), Met: events >= batchTarget && batch.Failed == 0,
	})
	m.ingested += batch.OK * 100
	if err := m.segmentBatch(ctx); err != nil {
		return err
	}
	return m.limits(ctx)
}

// topUp posts batches until the stream holds at least cfg.Events events.
func (m *measurement) topUp(ctx context.Context) error {
	missing := int64(m.cfg.Events) - m.ingested
	if missing <= 0 {
		return nil
	}
	if err := m.startIngestion(); err != nil {
		return err
	}
	logf(m.cfg, "adding %d events so that at least %d are processed", missing, m.cfg.Events)
	res := cluster.Load{URL: m.stack.IngestionURL, Events: int(missing), Batch: 100, Workers: 8, Prefix: "topup"}.Run(ctx, nil)
	if len(res.Acked) < int(missing) {
		return fmt.Errorf("top-up: %d of %d events acknowledged", len(res.Acked), missing)
	}
	m.ingested += int64(len(res.Acked))
	return nil
}

// processing measures broker → Postgres against a plain COPY of as many rows: first draining a backlog
// (brokers that keep one while no processor runs), then while the same number of events is ingested.
func (m *measurement) processing(ctx context.Context) error {
	backlog := m.stack.Broker != cluster.BrokerMemory
	if backlog {
		if err := m.topUp(ctx); err != nil {
			return err
		}
	} else if _, err := waitCounted(ctx, m.stack.Postgres.URL, m.ingested); err != nil {
		// The all-in-one process is still projecting what earlier figures posted; the ceiling needs
		// Postgres to itself.
		return err
	}
	rows := max(int(m.ingested), m.cfg.Events)
	logf(m.cfg, "COPY ceiling: %d rows into an indexed table, and into one shaped like events", rows)
	ceiling, err := copyCeiling(ctx, m.stack.Postgres.URL, "indexed", rows)
	if err != nil {
		return err
	}
	sameShape, err := copyCeiling(ctx, m.stack.Postgres.URL, "events", rows)
	if err != nil {
		return err
	}
	against := fmt.Sprintf("COPY into an indexed table %s rows; target ratio ≥ %.2f", perSecond(ceiling), processingRatio)
	if backlog {
		logf(m.cfg, "processing a backlog of %d events", m.ingested)
		stored, rate, err := measureDrain(ctx, m.stack.Postgres.URL, func() error { return m.start(m.stack.Processor) }, m.ingested)
		if err != nil {
			return err
		}
		ratio := rate / ceiling
		m.add(Row{
			Figure:   fmt.Sprintf("processing, %s backlog → Postgres, %d events", m.stack.Broker, stored),
			Measured: fmt.Sprintf("%s events (%.2f of a COPY into a table shaped like events: %s)", perSecond(rate), rate/sameShape, perSecond(sameShape)),
			Against:  against, Ratio: fmt.Sprintf("%.2f", ratio), Met: ratio >= processingRatio,
		})
	}

	if err := m.startIngestion(); err != nil {
		return err
	}
	if err := m.start(m.stack.Processor); err != nil {
		return err
	}
	logf(m.cfg, "processing %d events while they are ingested", m.cfg.Events)
	live, err := measureLive(ctx, m.stack, m.ingested, m.cfg.Events)
	if err != nil {
		return err
	}
	m.ingested += live.Events
	rate := float64(live.Events) / live.Counted.Seconds()
	ratio := rate / ceiling
	m.add(Row{
		Figure: fmt.Sprintf("processing while ingesting, %s → Postgres, %d events", m.stack.Broker, live.Events),
		Measured: fmt.Sprintf("%s events (ingested in %s, all counted %s later)", perSecond(rate),
			live.Ingested.Round(time.Millisecond), (live.Counted - live.Ingested).Round(time.Millisecond)),
		Against: against, Ratio: fmt.Sprintf("%.2f", ratio), Met: ratio >= processingRatio,
	})
	return nil
}

// startIngestion starts the ingestion service unless it runs.
func (m *measurement) startIngestion() error {
	return m.start(m.stack.Ingestion)
}

// lag measures accepted → visible in /stats under a steady load.
func (m *measurement) lag(ctx context.Context) error {
	if err := m.startIngestion(); err != nil {
		return err
	}
	if err := m.startReporting(); err != nil {
		return err
	}
	if err := m.start(m.stack.Processor); err != nil {
		return err
	}
	logf(m.cfg, "end-to-end lag at %d events/s for %s", m.cfg.LagRate, m.cfg.LagDuration)
	res := measureLag(ctx, m.stack, m.cfg.LagRate, m.cfg.LagDuration)
	m.add(Row{
		Figure: fmt.Sprintf("lag accepted → /stats at %d events/s, %s", m.cfg.LagRate, m.cfg.LagDuration),
		Measured: fmt.Sprintf("p99 %s (p50 %s, max %s, %d probes, %d missed; load %s)",
			res.P99.Round(time.Millisecond), res.P50.Round(time.Millisecond), res.Max.Round(time.Millisecond), res.Probes, res.Missed, perSecond(res.Rate)),
		Against: fmt.Sprintf("target p99 < %s", lagTarget),
		Ratio:   fmt.Sprintf("%.2f", float64(res.P99)/float64(lagTarget)),
		Met:     res.Probes > 0 && res.Missed == 0 && res.P99 < lagTarget && res.Rate >= 0.95*float64(m.cfg.LagRate),
	})
	return nil
}

// startReporting starts the reporting service unless it runs.
func (m *measurement) startReporting() error {
	return m.start(m.stack.Reporting)
}

// stats measures GET /stats on a large data set.
func (m *measurement) stats(ctx context.Context) error {
	logf(m.cfg, "filling the projections for %d raw events", m.cfg.StatsEvents)
	days, err := populateStats(ctx, m.stack.Postgres.URL, m.cfg.StatsEvents)
	if err != nil {
		return err
	}
	if err := m.startReporting(); err != nil {
		return err
	}
	logf(m.cfg, "GET /stats, %d connections, %s", m.cfg.StatsConns, m.cfg.Duration)
	res := measureStats(ctx, m.stack, days, m.cfg.StatsConns, m.cfg.Duration)
	target := seedStatsPerSecond * statsTargetMultiple
	m.add(Row{
		Figure: fmt.Sprintf("GET /stats, %dM raw events, %d sites × %d paths per day, %d connections",
			days*statsSites*statsPathsPerSite/1_000_000, statsSites, statsPathsPerSite, m.cfg.StatsConns),
		Measured: fmt.Sprintf("p99 %s, %s (%d failed)", res.Percentile(0.99).Round(10*time.Microsecond), perSecond(res.PerSecond()), res.Failed),
		Against:  fmt.Sprintf("target p99 < %s and ≥ %s (10× the seed's %s)", statsP99Target, perSecond(target), perSecond(seedStatsPerSecond)),
		Ratio:    fmt.Sprintf("%.2f", res.PerSecond()/target),
		Met:      res.Percentile(0.99) < statsP99Target && res.PerSecond() >= target && res.Failed == 0,
	})
	return nil
}

// memory reports each service's peak resident memory over the whole run.
func (m *measurement) memory(context.Context) error {
	services := []struct {
		name string
		s    *cluster.Service
	}{{"ingestion", m.stack.Ingestion}, {"processor", m.stack.Processor}, {"reporting", m.stack.Reporting}}
	if m.stack.Ingestion == m.stack.Processor {
		services = services[:1]
		services[0].name = "analytics (all-in-one)"
	}
	for _, svc := range services {
		if !svc.s.Running() {
			continue
		}
		rss, err := svc.s.PeakRSS()
		if err != nil {
			return err
		}
		m.add(Row{
			Figure:   "peak RSS of " + svc.name,
			Measured: fmt.Sprintf("%.1f MiB", float64(rss)/(1<<20)),
			Against:  "target < 64 MiB",
			Ratio:    fmt.Sprintf("%.2f", float64(rss)/rssTarget), Met: rss < rssTarget,
		})
	}
	return nil
}

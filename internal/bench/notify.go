package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// notifyRounds is how many times the notify figure drains each backlog with the stats_changed triggers
// and without them, alternating which goes first, so that both see the same moments of a noisy machine.
const notifyRounds = 7

// notifyCostTarget is the most commit throughput the triggers may cost before the design has to change.
const notifyCostTarget = 0.10

// notifyBacklog is one shape of backlog the notify figure drains.
type notifyBacklog struct {
	name       string
	events     int
	perMessage int // events per stream entry
	workers    int // concurrent requests filling the stream
}

// notify measures what the stats_changed triggers of migrations/00002 cost the processor: the same Redis
// backlog is drained by two processors (each with the default consumers and writers) into a fresh
// database, once with the triggers and once with them dropped, in alternating rounds, while a connection
// LISTENs as reporting does. One backlog holds one event per stream entry (many small commits, where a
// commit's cluster-wide NOTIFY lock weighs most), the other 100.
func (m *measurement) notify(ctx context.Context) error {
	if m.stack.Broker != cluster.BrokerRedis {
		return fmt.Errorf("the notify figure needs -broker redis")
	}
	backlogs := []notifyBacklog{
		{name: "single", events: m.cfg.NotifyEvents, perMessage: 1, workers: 1},
		{name: "packed", events: m.cfg.NotifyEvents * 20, perMessage: 100, workers: 8},
	}
	for _, b := range backlogs {
		stream := "notify_" + b.name
		if err := m.fillStream(ctx, stream, b); err != nil {
			return err
		}
		var with, without, ratios []float64
		for round := range notifyRounds {
			order := []bool{true, false}
			if round%2 == 1 {
				order = []bool{false, true}
			}
			rates := map[bool]float64{}
			for _, triggers := range order {
				name := fmt.Sprintf("notify_%s_%d_%s", b.name, round, onOff(triggers))
				logf(m.cfg, "notify: two processors drain %d events (%d per entry), triggers %s", b.events, b.perMessage, onOff(triggers))
				rate, err := m.drainWithProcessors(ctx, stream, name, triggers, int64(b.events))
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				rates[triggers] = rate
			}
			with, without = append(with, rates[true]), append(without, rates[false])
			ratios = append(ratios, rates[true]/rates[false])
		}
		ratio := median(ratios)
		m.add(Row{
			Figure: fmt.Sprintf("stats_changed triggers, 2 processors draining %d events, %d per entry", b.events, b.perMessage),
			Measured: fmt.Sprintf("with %s, without %s events (medians; round ratios %s); cost %.1f %%",
				perSecond(median(with)), perSecond(median(without)), formatRatios(ratios), 100*(1-ratio)),
			Against: fmt.Sprintf("target cost ≤ %.0f %% (ratio ≥ %.2f)", 100*notifyCostTarget, 1-notifyCostTarget),
			Ratio:   fmt.Sprintf("%.2f", ratio), Met: ratio >= 1-notifyCostTarget,
		})
	}
	return nil
}

// fillStream posts b's events through an ingestion of its own that publishes to stream.
func (m *measurement) fillStream(ctx context.Context, stream string, b notifyBacklog) error {
	port, err := cluster.FreePort()
	if err != nil {
		return err
	}
	env := append(slices.Clone(m.stack.Env), fmt.Sprint("INGESTION_PORT=", port), "REDIS_STREAM_NAME="+stream)
	ingestion := cluster.NewService(m.binDir, "ingestion", m.stack.Dir, port, env...)
	if err := ingestion.Start(); err != nil {
		return err
	}
	defer ingestion.Stop()
	logf(m.cfg, "notify: filling stream %s with %d events, %d per entry", stream, b.events, b.perMessage)
	res := cluster.Load{URL: fmt.Sprint("http://127.0.0.1:", port), Events: b.events, Batch: b.perMessage,
		Workers: b.workers, Prefix: stream}.Run(ctx, nil)
	if len(res.Acked) < b.events {
		return fmt.Errorf("fill %s: %d of %d events acknowledged", stream, len(res.Acked), b.events)
	}
	return nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func median(values []float64) float64 {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

func formatRatios(ratios []float64) string {
	s := make([]string, len(ratios))
	for i, r := range ratios {
		s[i] = fmt.Sprintf("%.2f", r)
	}
	return strings.Join(s, " ")
}

// notifyStall bounds how long a drain may make no progress.
const notifyStall = time.Minute

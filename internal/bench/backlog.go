package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// backlogRounds is how many times the backlog figure drains its backlog, each time with a fresh consumer
// group into a fresh database, measuring the COPY ceiling in the same database just before.
const backlogRounds = 3

// keepRounds is the STREAM_RETENTION of the processors of figures that drain one stream several times.
const keepRounds = "24h"

// backlog measures the drain of a backlog of single-event entries, what a quiet site's traffic leaves
// after an outage: one connection posts BacklogEvents events one request at a time (each event its own
// stream entry) while no processor runs; then, in each round, a processor with the default settings
// drains all of it into a fresh database, against a COPY of as many rows into an indexed table there.
// The figure is the median of the rounds' ratios.
func (m *measurement) backlog(ctx context.Context) error {
	if m.stack.Broker != cluster.BrokerRedis {
		logf(m.cfg, "backlog: skipped, the figure needs -broker redis")
		return nil
	}
	b := notifyBacklog{name: "backlog", events: m.cfg.BacklogEvents, perMessage: 1, workers: 1}
	stream := "backlog_single"
	fillStart := time.Now()
	if err := m.fillStream(ctx, stream, b); err != nil {
		return err
	}
	posted := float64(b.events) / time.Since(fillStart).Seconds()
	var rates, ceilings, ratios []float64
	for round := range backlogRounds {
		name := fmt.Sprintf("backlog_%d", round)
		rate, ceiling, err := m.drainBacklog(ctx, stream, name, int64(b.events))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		logf(m.cfg, "backlog round %d: drained %s events, COPY %s rows", round, perSecond(rate), perSecond(ceiling))
		rates, ceilings, ratios = append(rates, rate), append(ceilings, ceiling), append(ratios, rate/ceiling)
	}
	ratio := median(ratios)
	m.add(Row{
		Figure: fmt.Sprintf("backlog of %d events, each its own entry (one connection posted %s requests), drained", b.events, perSecond(posted)),
		Measured: fmt.Sprintf("%s events (median of %d rounds: %s)", perSecond(median(rates)), backlogRounds,
			formatRates(rates)),
		Against: fmt.Sprintf("COPY into an indexed table %s rows (median; round ratios %s); target ratio ≥ %.2f",
			perSecond(median(ceilings)), formatFine(ratios), processingRatio),
		Ratio: fmt.Sprintf("%.3f", ratio), Met: ratio >= processingRatio,
	})
	return nil
}

// drainBacklog creates database name, measures the COPY ceiling of want rows in it, then starts a
// processor with the default settings reading stream as consumer group name and returns the events per
// second from its start until it has counted want events, and the ceiling.
func (m *measurement) drainBacklog(ctx context.Context, stream, name string, want int64) (rate, ceiling float64, err error) {
	dbURL, err := m.createDatabase(ctx, name)
	if err != nil {
		return 0, 0, err
	}
	defer m.dropDatabase(name)
	if err := migrate(ctx, dbURL, true); err != nil {
		return 0, 0, err
	}
	if ceiling, err = copyCeiling(ctx, dbURL, "indexed", int(want)); err != nil {
		return 0, 0, err
	}
	// Every round reads the whole stream with a group of its own: the processors keep what they have
	// acknowledged instead of trimming it from under the next round.
	env := append(slices.Clone(m.stack.Env), "DATABASE_URL="+dbURL, "REDIS_STREAM_NAME="+stream,
		"REDIS_CONSUMER_GROUP="+name, "CONSUMER_NAME="+name, "STREAM_RETENTION="+keepRounds)
	processor := cluster.NewService(m.binDir, "processor", m.stack.Dir, 0, env...)
	defer processor.Stop()
	logf(m.cfg, "backlog: a processor drains %d single-event entries into database %s", want, name)
	_, rate, err = measureDrain(ctx, dbURL, processor.Start, want)
	return rate, ceiling, err
}

// formatFine formats ratios with three decimals: the backlog figure's were 0.007 before its subscriber.
func formatFine(ratios []float64) string {
	s := ""
	for i, r := range ratios {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.3f", r)
	}
	return s
}

func formatRates(rates []float64) string {
	s := ""
	for i, r := range rates {
		if i > 0 {
			s += " "
		}
		s += perSecond(r)
	}
	return s
}

package processor

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/event"
)

// Option changes how New builds a processor.
type Option func(*Processor)

// WithMetrics makes the processor record its metrics in reg while it runs: batch sizes, commit times
// and events projected (below), its router's retries, poisoned messages and Watermill metrics
// (messaging.WithRouterMetrics), and its broker's queue gauges (messaging.QueueCollector). Without it a
// processor records nothing anyone can read. A registry takes one processor.
func WithMetrics(reg prometheus.Registerer) Option {
	return func(p *Processor) { p.registerer = reg }
}

// batchMetrics are what a processor records of each batch it commits.
type batchMetrics struct {
	events    prometheus.Histogram
	commit    prometheus.Histogram
	projected prometheus.Counter
}

// newBatchMetrics returns the batch metrics, registered in reg unless it is nil.
func newBatchMetrics(reg prometheus.Registerer) (*batchMetrics, error) {
	m := &batchMetrics{
		events: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "processor_batch_events",
			Help:    "Events per committed batch (after duplicates within the batch are dropped).",
			Buckets: prometheus.ExponentialBuckets(1, 4, 8)}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "processor_commit_duration_seconds",
			Help:    "Time to write and commit one batch: its one statement, round trip included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15)}),
		projected: prometheus.NewCounter(prometheus.CounterOpts{Name: "processor_events_projected_total",
			Help: "Events newly stored and counted in the projections (an event_id already stored is not)."}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.events, m.commit, m.projected} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register processor metrics: %w", err)
		}
	}
	return m, nil
}

// measuredApplier records each batch its Applier commits.
type measuredApplier struct {
	Applier
	metrics *batchMetrics
}

// Apply applies events and, when they are committed, records the batch.
func (a measuredApplier) Apply(ctx context.Context, events []event.Event) (int, error) {
	start := time.Now()
	inserted, err := a.Applier.Apply(ctx, events)
	if err != nil {
		return inserted, err
	}
	a.metrics.commit.Observe(time.Since(start).Seconds())
	a.metrics.events.Observe(float64(len(events)))
	a.metrics.projected.Add(float64(inserted))
	return inserted, nil
}

package processor

import (
	"github.com/prometheus/client_golang/prometheus"
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

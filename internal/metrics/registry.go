// Package metrics holds what the services share to export Prometheus metrics: a registry per process
// with the Go runtime and process collectors, the HTTP middleware that counts and times requests by
// route, the GET /metrics handler and a collector of a pgx pool's statistics.
package metrics

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// DurationBuckets are the upper bounds, in seconds, of the latency histograms: from 100µs (a POST /event
// answered from memory) to 10s (a broker or database timeout).
var DurationBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// NewRegistry returns a registry holding the Go runtime (go_*) and process (process_*) collectors. A
// process makes one and hands it to every service it runs; nothing registers with Prometheus's global
// default registry, so tests can build many services in one process.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Register registers c with reg and returns it, or returns the collector of the same description that
// reg already holds, so that two services of one process (the all-in-one binary) record into the same
// series. A nil reg registers nothing: c still records, and nobody reads it. Any other registration
// error is a programming error (one name, two meanings) and panics, as prometheus.MustRegister does.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var already prometheus.AlreadyRegisteredError
	if errors.As(err, &already) {
		if existing, ok := already.ExistingCollector.(C); ok {
			return existing
		}
	}
	panic(fmt.Sprintf("register metrics: %v", err))
}

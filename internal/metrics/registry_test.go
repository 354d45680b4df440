package metrics_test

import (
	"strconv"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/metrics"
)

func itoa(n int) string { return strconv.Itoa(n) }

func counter(help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Name: "things_total", Help: help})
}

func TestRegister(t *testing.T) {
	t.Parallel()
	t.Run("second_registration_gets_the_first", func(t *testing.T) {
		reg := metrics.NewRegistry()
		first := metrics.Register(reg, counter("Things."))
		second := metrics.Register(reg, counter("Things."))
		second.Inc()
		require.Same(t, first, second)
	})
	t.Run("nil_registry_registers_nothing", func(t *testing.T) {
		c := metrics.Register(nil, counter("Things."))
		c.Inc()
	})
	t.Run("one_name_two_meanings_panics", func(t *testing.T) {
		reg := metrics.NewRegistry()
		metrics.Register(reg, counter("Things."))
		require.Panics(t, func() { metrics.Register(reg, counter("Other things.")) })
	})
	t.Run("runtime_collectors_registered", func(t *testing.T) {
		families, err := metrics.NewRegistry().Gather()
		require.NoError(t, err)
		names := map[string]bool{}
		for _, f := range families {
			names[f.GetName()] = true
		}
		require.True(t, names["go_goroutines"])
		require.True(t, names["process_cpu_seconds_total"])
	})
}

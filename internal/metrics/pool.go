package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector exports a pgx pool's statistics (pgxpool.Stat) as db_pool_* metrics, read at each
// scrape, with a constant label pool naming it.
type PoolCollector struct {
	pool  *pgxpool.Pool
	descs poolDescs
}

type poolDescs struct {
	acquired, idle, constructing, total, max                  *prometheus.Desc
	acquires, acquireSeconds, emptyAcquires, emptyWaitSeconds *prometheus.Desc
	canceledAcquires, newConnections                          *prometheus.Desc
}

// NewPoolCollector returns a collector of pool's statistics labelled pool=name ("reporting",
// "processor"); register it with the process's registry.
func NewPoolCollector(name string, pool *pgxpool.Pool) *PoolCollector {
	desc := func(metric, help string) *prometheus.Desc {
		return prometheus.NewDesc("db_pool_"+metric, help, nil, prometheus.Labels{"pool": name})
	}
	return &PoolCollector{pool: pool, descs: poolDescs{
		acquired:         desc("acquired_connections", "Connections of the pool in use."),
		idle:             desc("idle_connections", "Connections of the pool open and idle."),
		constructing:     desc("constructing_connections", "Connections of the pool being opened."),
		total:            desc("total_connections", "Connections of the pool: acquired, idle and being opened."),
		max:              desc("max_connections", "Most connections the pool opens."),
		acquires:         desc("acquires_total", "Connections acquired from the pool."),
		acquireSeconds:   desc("acquire_duration_seconds_total", "Time spent acquiring connections from the pool, waits included."),
		emptyAcquires:    desc("empty_acquires_total", "Acquires that waited because no connection was idle."),
		emptyWaitSeconds: desc("empty_acquire_wait_seconds_total", "Time acquires spent waiting because no connection was idle."),
		canceledAcquires: desc("canceled_acquires_total", "Acquires given up because their context ended."),
		newConnections:   desc("new_connections_total", "Connections the pool opened."),
	}}
}

// Describe sends the descriptions of the pool's metrics.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	d := &c.descs
	for _, desc := range []*prometheus.Desc{d.acquired, d.idle, d.constructing, d.total, d.max, d.acquires,
		d.acquireSeconds, d.emptyAcquires, d.emptyWaitSeconds, d.canceledAcquires, d.newConnections} {
		ch <- desc
	}
}

// Collect reads the pool's statistics and sends them.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	d := &c.descs
	gauge := func(desc *prometheus.Desc, v int32) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(v))
	}
	counter := func(desc *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v)
	}
	gauge(d.acquired, s.AcquiredConns())
	gauge(d.idle, s.IdleConns())
	gauge(d.constructing, s.ConstructingConns())
	gauge(d.total, s.TotalConns())
	gauge(d.max, s.MaxConns())
	counter(d.acquires, float64(s.AcquireCount()))
	counter(d.acquireSeconds, s.AcquireDuration().Seconds())
	counter(d.emptyAcquires, float64(s.EmptyAcquireCount()))
	counter(d.emptyWaitSeconds, s.EmptyAcquireWaitTime().Seconds())
	counter(d.canceledAcquires, float64(s.CanceledAcquireCount()))
	counter(d.newConnections, float64(s.NewConnsCount()))
}

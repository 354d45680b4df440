package reporting

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/internal/metrics"
)

// service is reporting's value of the service label of the HTTP metrics.
const service = "reporting"

// cacheMetrics count /stats cache lookups by result, each series resolved once.
type cacheMetrics struct {
	hit, miss prometheus.Counter
}

func newCacheMetrics(reg prometheus.Registerer) cacheMetrics {
	lookups := metrics.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "reporting_stats_cache_requests_total",
		Help: "Lookups of /stats answers in the cache, by result: hit, or miss (read from Postgres; every lookup misses while the cache is off or not listening).",
	}, []string{"result"}))
	return cacheMetrics{hit: lookups.WithLabelValues("hit"), miss: lookups.WithLabelValues("miss")}
}

// lookedUp counts one lookup.
func (m cacheMetrics) lookedUp(hit bool) {
	if hit {
		m.hit.Inc()
		return
	}
	m.miss.Inc()
}

// Instrument records the API's metrics into reg, shared with the process's other services, and serves
// reg on GET /metrics. Call it before Routes; without it the API has a registry of its own.
func (a *API) Instrument(reg *prometheus.Registry) {
	a.registry = reg
	a.http = metrics.NewHTTP(reg, service)
	a.cacheMetrics = newCacheMetrics(reg)
}

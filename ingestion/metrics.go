package ingestion

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/internal/metrics"
)

// service is ingestion's value of the service label of the HTTP metrics.
const service = "ingestion"

// rejectReason is why events were not queued: the reason label of ingestion_events_rejected_total, a
// fixed set (see README, Metrics).
type rejectReason int

const (
	rejectInvalid      rejectReason = iota // the request or the event failed validation (400, 415)
	rejectTooLarge                         // the request body exceeded its limit (413)
	rejectUnavailable                      // the broker did not take them, or ingestion was stopping (503)
	rejectRateLimited                      // over the client's or a site's rate limit (429)
	rejectBot                              // sent by a bot and dropped (200, X-Events-Dropped: bot)
	rejectOrigin                           // from a browser at an origin a site does not allow (403)
	rejectUnauthorized                     // a Segment-spec request without a known write key (401)
	rejectReasons
)

var rejectReasonNames = [rejectReasons]string{"invalid", "too_large", "unavailable", "rate_limited", "bot", "origin", "unauthorized"}

// ingestMetrics are the counts of events and the publish latency. Each series is resolved once, here,
// so that a request only adds to a counter.
type ingestMetrics struct {
	accepted prometheus.Counter
	rejected [rejectReasons]prometheus.Counter
	publish  prometheus.Observer
}

func newIngestMetrics(reg prometheus.Registerer) *ingestMetrics {
	accepted := metrics.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ingestion_events_accepted_total",
		Help: "Events the broker stored; a batch counts each of its events.",
	}))
	rejected := metrics.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ingestion_events_rejected_total",
		Help: "Events not queued, by reason; a request whose body cannot be read or parsed counts as one.",
	}, []string{"reason"}))
	publish := metrics.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "ingestion_publish_duration_seconds",
		Help:    "Time of one broker publish of a pack of messages, failed ones included.",
		Buckets: metrics.DurationBuckets,
	}))
	m := &ingestMetrics{accepted: accepted, publish: publish}
	for reason, name := range rejectReasonNames {
		m.rejected[reason] = rejected.WithLabelValues(name)
	}
	return m
}

// reject counts events rejected for reason.
func (m *ingestMetrics) reject(reason rejectReason, events int) {
	m.rejected[reason].Add(float64(events))
}

// Instrument records the API's metrics into reg, shared with the process's other services, and serves
// reg on GET /metrics. Call it before serving; without it the API has a registry of its own.
func (a *API) Instrument(reg *prometheus.Registry) {
	a.registry = reg
	a.http = metrics.NewHTTP(reg, service)
	a.metrics = newIngestMetrics(reg)
	a.packer.publishDuration = a.metrics.publish
	// Dropped bots' events are in ingestion_events_rejected_total{reason="bot"}; kept ones are accepted
	// like any other, so they get a count of their own.
	metrics.Register(reg, prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "ingestion_bot_events_kept_total",
		Help: "Events of bots' requests published marked as bots' (KEEP_BOT_EVENTS); they are also in ingestion_events_accepted_total.",
	}, func() float64 {
		_, kept := a.BotEvents()
		return float64(kept)
	}))
}

// rejectReasonOf is the reason of a body answered with status.
func rejectReasonOf(status int) rejectReason {
	if status == http.StatusRequestEntityTooLarge {
		return rejectTooLarge
	}
	return rejectInvalid
}

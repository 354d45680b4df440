package metrics

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// HTTP counts (http_requests_total) and times (http_request_duration_seconds) the requests a chi router
// answers, labelled with the service, the route pattern ("/stats", never the path), the method and, for
// the count, the status code. Routes and methods take the bounded values httpapi.Route and httpapi.Method
// give them: "unmatched" for a 404 or 405, "other" for a method HTTP does not define.
type HTTP struct {
	requests  *prometheus.CounterVec
	durations prometheus.ObserverVec

	// series holds the children already resolved, so a request looks its labels up without a lock or
	// an allocation; it is copied on write, which happens once per route, method and status.
	series atomic.Pointer[map[seriesKey]series]
	adding sync.Mutex
}

type seriesKey struct {
	route, method string
	code          int
}

type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// NewHTTP returns the middleware of service, recording into reg (shared with the process's other
// services; nil for none).
func NewHTTP(reg prometheus.Registerer, service string) *HTTP {
	requests := Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total",
		Help: "HTTP requests answered, by service, route pattern, method and status code.",
	}, []string{"service", "route", "method", "code"}))
	durations := Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "Time from a request's headers to the end of its answer, by service, route pattern and method.",
		Buckets: DurationBuckets,
	}, []string{"service", "route", "method"}))
	h := &HTTP{
		requests:  requests.MustCurryWith(prometheus.Labels{"service": service}),
		durations: durations.MustCurryWith(prometheus.Labels{"service": service}),
	}
	h.series.Store(&map[seriesKey]series{})
	return h
}

// Middleware records each request after its handler ran, when chi has matched its route; use it first
// on the router so that it sees the status of a recovered panic too.
func (h *HTTP) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &httpapi.Recorder{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s := h.seriesOf(seriesKey{route: httpapi.Route(r), method: httpapi.Method(r), code: sw.Status()})
		s.requests.Inc()
		s.duration.Observe(time.Since(start).Seconds())
	})
}

func (h *HTTP) seriesOf(key seriesKey) series {
	if s, ok := (*h.series.Load())[key]; ok {
		return s
	}
	h.adding.Lock()
	defer h.adding.Unlock()
	known := *h.series.Load()
	if s, ok := known[key]; ok {
		return s
	}
	s := series{
		requests: h.requests.WithLabelValues(key.route, key.method, strconv.Itoa(key.code)),
		duration: h.durations.WithLabelValues(key.route, key.method),
	}
	grown := maps.Clone(known)
	grown[key] = s
	h.series.Store(&grown)
	return s
}

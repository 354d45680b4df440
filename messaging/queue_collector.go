package messaging

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Queue status reads made for Prometheus: a scrape waits at most queueReadTimeout for one, and scrapes
// within queueReadReuse of the last read share it.
const (
	queueReadTimeout = 2 * time.Second
	queueReadReuse   = time.Second
)

// errQueueReadTimeout means a queue status read took longer than a scrape may wait.
var errQueueReadTimeout = errors.New("queue status read timed out")

// QueueCollector exports a broker's queue figures (QueueFigures) as the gauges broker_lag_messages,
// broker_pending_messages and broker_stream_length_messages, read from the broker when Prometheus
// scrapes, so that they are as fresh as the scrape whatever STATUS_INTERVAL the log uses. A figure the
// broker cannot tell (-1) is left out, and so are all three when the read fails or takes longer than
// two seconds; broker_status_errors_total counts those scrapes. At most one read is in flight: a scrape
// that comes while one runs, or within a second after it ended, takes its result, so neither many
// scrapers nor a broker that hangs multiply the reads.
type QueueCollector struct {
	read           func(context.Context) (QueueFigures, error)
	timeout, reuse time.Duration
	lag, pending   *prometheus.Desc
	length         *prometheus.Desc
	errors         prometheus.Counter

	mu      sync.Mutex
	current *queueRead
}

// queueRead is one read of the queue's figures; done is closed when it has ended.
type queueRead struct {
	done    chan struct{}
	figures QueueFigures
	err     error
	ended   time.Time
}

// NewQueueCollector returns a collector of broker's queue figures; register it with a Prometheus registry.
func NewQueueCollector(broker *Broker) *QueueCollector {
	return newQueueCollector(broker, queueReadTimeout, queueReadReuse)
}

func newQueueCollector(broker *Broker, timeout, reuse time.Duration) *QueueCollector {
	return &QueueCollector{
		read:    broker.QueueFigures,
		timeout: timeout,
		reuse:   reuse,
		lag: prometheus.NewDesc("broker_lag_messages",
			"Messages the processors' consumer group has still to get through (Redis: not yet handed out; Kafka: not yet committed).", nil, nil),
		pending: prometheus.NewDesc("broker_pending_messages",
			"Messages handed to the processors and not yet acknowledged (Redis; memory: published and not yet acknowledged).", nil, nil),
		length: prometheus.NewDesc("broker_stream_length_messages",
			"Messages the stream holds (Redis XLEN) or the topic's partitions ever held (Kafka end offsets summed).", nil, nil),
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "broker_status_errors_total",
			Help: "Scrapes for which the broker's queue status could not be read in time."}),
	}
}

// Describe sends the descriptions of the gauges and of the error counter.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.lag
	ch <- c.pending
	ch <- c.length
	c.errors.Describe(ch)
}

// Collect reads the queue's figures (or shares a read, see QueueCollector) and sends those it knows.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	figures, err := c.figures()
	if err != nil {
		c.errors.Inc()
	} else {
		gauge := func(desc *prometheus.Desc, value int64) {
			if value >= 0 {
				ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(value))
			}
		}
		gauge(c.lag, figures.Lag)
		gauge(c.pending, figures.Pending)
		gauge(c.length, figures.Length)
	}
	c.errors.Collect(ch)
}

// figures returns the result of the read in flight or of one that ended less than reuse ago, or starts a
// read; it waits for it at most timeout.
func (c *QueueCollector) figures() (QueueFigures, error) {
	c.mu.Lock()
	r := c.current
	if r == nil || r.endedBefore(time.Now().Add(-c.reuse)) {
		r = &queueRead{done: make(chan struct{})}
		c.current = r
		go r.run(c.read, c.timeout)
	}
	c.mu.Unlock()
	timer := time.NewTimer(c.timeout)
	defer timer.Stop()
	select {
	case <-r.done:
		return r.figures, r.err
	case <-timer.C:
		return QueueFigures{}, errQueueReadTimeout
	}
}

func (r *queueRead) run(read func(context.Context) (QueueFigures, error), timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r.figures, r.err = read(ctx)
	r.ended = time.Now()
	close(r.done)
}

// endedBefore reports whether the read has ended, before t.
func (r *queueRead) endedBefore(t time.Time) bool {
	select {
	case <-r.done:
		return r.ended.Before(t)
	default:
		return false
	}
}

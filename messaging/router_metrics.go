package messaging

import (
	"fmt"

	"github.com/ThreeDotsLabs/watermill/components/metrics"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"
)

// RouterOption changes how NewRouter builds a router.
type RouterOption func(*routerOptions)

type routerOptions struct {
	registerer prometheus.Registerer
}

// WithRouterMetrics records the router's metrics in reg: processor_retries_total (retries the Retry
// middleware makes), processor_messages_poisoned_total (messages the poison queue took) and Watermill's
// own router metrics (components/metrics, namespace watermill: handler execution time by handler and
// outcome, messages received by subscriber, acknowledged or not).
func WithRouterMetrics(reg prometheus.Registerer) RouterOption {
	return func(o *routerOptions) { o.registerer = reg }
}

// routerCounters are the counters NewRouter's middleware advances; without a registerer they count
// for nobody.
type routerCounters struct {
	retries  prometheus.Counter
	poisoned prometheus.Counter
}

func newRouterCounters(reg prometheus.Registerer) (routerCounters, error) {
	c := routerCounters{
		retries: prometheus.NewCounter(prometheus.CounterOpts{Name: "processor_retries_total",
			Help: "Retries of a failed message (or run) by the Retry middleware, after a transient error."}),
		poisoned: prometheus.NewCounter(prometheus.CounterOpts{Name: "processor_messages_poisoned_total",
			Help: "Messages put in the poison queue: a permanent error, or a panic on every retry."}),
	}
	if reg == nil {
		return c, nil
	}
	for _, counter := range []prometheus.Collector{c.retries, c.poisoned} {
		if err := reg.Register(counter); err != nil {
			return routerCounters{}, fmt.Errorf("register router metrics: %w", err)
		}
	}
	return c, nil
}

// addWatermillMetrics adds Watermill's router metrics, recorded in reg, to router: a middleware added
// at this point of the stack, and decorators of the handlers' subscribers and publishers.
func addWatermillMetrics(router *message.Router, reg prometheus.Registerer) {
	if reg != nil {
		metrics.NewPrometheusMetricsBuilder(reg, "watermill", "").AddPrometheusRouterMetrics(router)
	}
}

// countingPublisher counts the messages its publisher accepted.
type countingPublisher struct {
	message.Publisher
	published prometheus.Counter
}

// Publish publishes msgs and counts them when the publisher took them.
func (p countingPublisher) Publish(topic string, msgs ...*message.Message) error {
	if err := p.Publisher.Publish(topic, msgs...); err != nil {
		return err
	}
	p.published.Add(float64(len(msgs)))
	return nil
}

package messaging

// SubscriberOption changes what a subscriber hands out.
type SubscriberOption func(*subscriberOptions)

type subscriberOptions struct {
	runs bool
}

// WithRuns makes a Redis subscriber hand out runs: one message for up to REDIS_RUN_ENTRIES consecutive
// entries of one read (see Entries), instead of a message per entry. A handler of runs reads a message's
// entries with Entries and must be run by a router from NewRouter, whose middleware makes a failed run
// come back as its entries one by one, each then retried and poisoned on its own. Runs are off with
// THROTTLE_PER_SECOND set (the throttle counts messages) and with REDIS_RUN_ENTRIES=1; Kafka and memory
// subscribers ignore the option.
//
// A run is not the message any producer published: its UUID is fresh and its metadata empty. Subscribers
// that must hand out the published messages themselves, as Watermill's universal test suite checks, keep
// runs off.
func WithRuns() SubscriberOption {
	return func(o *subscriberOptions) { o.runs = true }
}

// runsOn reports whether a Redis subscriber with opts and cfg hands out runs.
func runsOn(cfg Config, opts []SubscriberOption) bool {
	var o subscriberOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o.runs && cfg.ThrottlePerSecond == 0 && cfg.RedisRunEntries > 1
}

package ingestion

import (
	"context"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/clientip"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/ratelimit"
	"github.com/analytics-pipeline/analytics/messaging"
)

// limiter takes a request's tokens from its buckets, all or none (ratelimit.Memory, ratelimit.Redis).
type limiter interface {
	// Take takes every cost's tokens and returns 0, or takes none and returns how long until it could.
	Take(ctx context.Context, costs []ratelimit.Cost) (time.Duration, error)
	// Close releases the limiter; Take then fails with ratelimit.ErrClosed.
	Close()
}

// rateLimits are the buckets of the requests: per client address and per site, each off when its rate
// is 0.
type rateLimits struct {
	limiter        limiter
	perIP, perSite ratelimit.Limit
	keys           *bucketKeys
}

// newRateLimits returns the limits cfg sets, nil when it sets none. With a Redis broker the buckets
// live in its Redis, shared by every ingestion replica; with another broker, in this process.
func newRateLimits(cfg RateLimitConfig, broker *messaging.Broker) *rateLimits {
	if !cfg.on() {
		return nil
	}
	var l limiter = ratelimit.NewMemory()
	client := broker.RedisClient()
	if client != nil {
		l = ratelimit.NewRedis(client)
	}
	return &rateLimits{
		limiter: l,
		perIP:   ratelimit.Limit{Rate: cfg.PerIP, Burst: cfg.Burst},
		perSite: ratelimit.Limit{Rate: cfg.PerSite, Burst: cfg.Burst},
		keys:    newBucketKeys(broker.Topic(), cfg.Secret, client != nil),
	}
}

// take takes events from the buckets of client and of the events' sites, all or none, and returns how
// long to wait when it took none. A batch counts as its number of events, each from its own site's
// bucket.
func (l *rateLimits) take(ctx context.Context, client netip.Addr, events []event.Event) (time.Duration, error) {
	costs := make([]ratelimit.Cost, 0, 2)
	if l.perIP.Rate > 0 && client.IsValid() {
		costs = append(costs, ratelimit.Cost{Key: l.keys.client(client), Limit: l.perIP, N: len(events)})
	}
	if l.perSite.Rate > 0 {
		costs = l.siteCosts(costs, events)
	}
	if len(costs) == 0 {
		return 0, nil
	}
	return l.limiter.Take(ctx, costs)
}

// siteCosts appends the events' count for each of their sites to costs.
func (l *rateLimits) siteCosts(costs []ratelimit.Cost, events []event.Event) []ratelimit.Cost {
	if len(events) == 1 {
		return append(costs, ratelimit.Cost{Key: l.keys.site(events[0].SiteID), Limit: l.perSite, N: 1})
	}
	index := map[string]int{}
	for _, e := range events {
		i, ok := index[e.SiteID]
		if !ok {
			i = len(costs)
			index[e.SiteID] = i
			costs = append(costs, ratelimit.Cost{Key: l.keys.site(e.SiteID), Limit: l.perSite})
		}
		costs[i].N++
	}
	return costs
}

// rateLimited is the one place ingestion refuses a request for its rate: when the request's events
// exceed its client's or a site's limit it answers 429 with Retry-After, the whole seconds until the
// buckets hold them, and reports true; none of the events is then queued. When the limits cannot be
// checked (Redis does not answer, so the publish would fail too) it answers 503 and reports true.
func (a *API) rateLimited(w http.ResponseWriter, r *http.Request, events []event.Event) bool {
	if a.limits == nil {
		return false
	}
	wait, err := a.limits.take(r.Context(), clientip.From(r), events)
	if err != nil {
		a.unavailable(w, r, err, len(events))
		return true
	}
	if wait <= 0 {
		return false
	}
	a.metrics.reject(rejectRateLimited, len(events))
	seconds := strconv.Itoa(max(1, int(math.Ceil(wait.Seconds()))))
	w.Header().Set("Retry-After", seconds)
	httpapi.WriteError(w, http.StatusTooManyRequests,
		"rate limit exceeded for this client or site: none of the "+strconv.Itoa(len(events))+" events was queued; retry after "+seconds+" s")
	return true
}

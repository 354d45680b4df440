package apikeys

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/analytics-pipeline/analytics/internal/ratelimit"
	"github.com/analytics-pipeline/analytics/internal/ttlcache"
)

// RateLimitedError is the refusal of a request whose key has spent its hourly budget.
type RateLimitedError struct {
	RetryAfter time.Duration // until the bucket holds a request again
	Limit      int           // the key's requests per hour
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("API key limited to %d requests per hour: retry after %s", e.Limit, e.RetryAfter)
}

// Guard decides whether a request may read a site's statistics.
type Guard struct {
	store   *Store
	limit   ratelimit.Limit
	hourly  int
	limiter *ratelimit.Memory
	keys    *ttlcache.Cache[Key]
	sites   *ttlcache.Cache[Site]
	now     func() time.Time
}

// NewGuard returns a guard on store's keys and sites with cfg's budget and cache (unset fields take their
// defaults). Close releases it.
func NewGuard(store *Store, cfg Config) *Guard {
	cfg.SetDefaults()
	return &Guard{
		store:   store,
		limit:   ratelimit.Limit{Rate: float64(cfg.HourlyRequests) / time.Hour.Seconds(), Burst: time.Hour},
		hourly:  cfg.HourlyRequests,
		limiter: ratelimit.NewMemory(),
		keys:    ttlcache.New[Key](cfg.CacheTTL),
		sites:   ttlcache.New[Site](cfg.CacheTTL),
		now:     time.Now,
	}
}

// Close releases the guard's rate limiter.
func (g *Guard) Close() {
	g.limiter.Close()
}

// Check returns nil when a request with the Authorization header authorization may read siteID's
// statistics: the site is public, or the header is "Bearer KEY" with a key for that site or for every
// site and budget left. Otherwise its error matches ErrUnauthorized (ErrMissingKey without a key; a key
// that is wrong, revoked, for another site, or a site that does not exist, all alike, so that keys cannot
// probe which sites exist) or is a *RateLimitedError. Every request with a valid key spends its budget,
// whatever the site, as in Plausible. Other errors are Postgres's.
func (g *Guard) Check(ctx context.Context, authorization, siteID string) error {
	site, err := g.site(ctx, siteID)
	if err != nil {
		return err
	}
	if site.Public {
		return nil
	}
	secret, ok := bearer(authorization)
	if !ok {
		return ErrMissingKey
	}
	key, err := g.key(ctx, secret)
	if err != nil {
		return err
	}
	wait, err := g.limiter.Take(ctx, []ratelimit.Cost{{Key: strconv.FormatInt(key.ID, 10), Limit: g.limit, N: 1}})
	if err != nil {
		return fmt.Errorf("rate limit: %w", err)
	}
	if wait > 0 {
		return &RateLimitedError{RetryAfter: wait, Limit: g.hourly}
	}
	if !site.Exists || !key.Reads(siteID) {
		return ErrUnauthorized
	}
	return nil
}

// bearer returns the token of an Authorization header "Bearer TOKEN" (the scheme in any case).
func bearer(authorization string) (string, bool) {
	scheme, token, _ := strings.Cut(strings.TrimSpace(authorization), " ")
	token = strings.TrimSpace(token)
	return token, strings.EqualFold(scheme, "Bearer") && token != ""
}

// key returns the key whose secret is secret, through the cache; ErrUnauthorized when there is none or
// it is revoked.
func (g *Guard) key(ctx context.Context, secret string) (Key, error) {
	if !wellFormed(secret) {
		return Key{}, ErrUnauthorized
	}
	now := g.now()
	key, ok := g.keys.Get(secret, now)
	if !ok {
		var err error
		key, err = g.store.Lookup(ctx, secret)
		if errors.Is(err, ErrKeyNotFound) {
			return Key{}, ErrUnauthorized
		}
		if err != nil {
			return Key{}, err
		}
		g.keys.Put(secret, key, now)
	}
	if key.RevokedAt != nil {
		return Key{}, ErrUnauthorized
	}
	return key, nil
}

// site returns what is known of site id, through the cache.
func (g *Guard) site(ctx context.Context, id string) (Site, error) {
	now := g.now()
	if site, ok := g.sites.Get(id, now); ok {
		return site, nil
	}
	site, err := g.store.Site(ctx, id)
	if err != nil {
		return Site{}, err
	}
	g.sites.Put(id, site, now)
	return site, nil
}

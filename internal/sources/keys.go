package sources

import (
	"context"
	"errors"
	"time"

	"github.com/analytics-pipeline/analytics/internal/secretkey"
	"github.com/analytics-pipeline/analytics/internal/ttlcache"
)

// DefaultCacheTTL is how long Keys uses what it read of a key again, unless told otherwise.
const DefaultCacheTTL = 5 * time.Second

// Keys finds the site of a write key through a cache: each replica reads a key from Postgres at most
// once per TTL, so a revoked key still passes for at most the TTL, and a new key may be refused for at
// most the TTL after an earlier request tried it.
type Keys struct {
	store *Store
	cache *ttlcache.Cache[Source]
	now   func() time.Time
}

// NewKeys returns the keys of store cached for ttl (DefaultCacheTTL when not positive).
func NewKeys(store *Store, ttl time.Duration) *Keys {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return &Keys{store: store, cache: ttlcache.New[Source](ttl), now: time.Now}
}

// Site returns the site of key's source. The error matches ErrUnknownKey when no source that is not
// revoked has that key; other errors are Postgres's.
func (k *Keys) Site(ctx context.Context, key string) (string, error) {
	if !secretkey.WellFormed(Prefix, key) {
		return "", ErrUnknownKey
	}
	now := k.now()
	src, ok := k.cache.Get(key, now)
	if !ok {
		var err error
		src, err = k.store.Lookup(ctx, key)
		if err != nil && !errors.Is(err, ErrUnknownKey) {
			return "", err
		}
		k.cache.Put(key, src, now) // an unknown key is cached as a source without site
	}
	if src.SiteID == "" || src.RevokedAt != nil {
		return "", ErrUnknownKey
	}
	return src.SiteID, nil
}

// Package ttlcache keeps answers read from Postgres for a short while, so that a request path (the query
// API's key guard, ingestion's write keys) does not query Postgres per request.
package ttlcache

import (
	"sync"
	"time"
)

// maxEntries bounds a cache: once full it is emptied, so that requests naming ever new keys cannot grow
// it without end.
const maxEntries = 10000

// Cache keeps answers by key for a while. It is safe for concurrent use.
type Cache[V any] struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]entry[V]
}

type entry[V any] struct {
	value V
	until time.Time
}

// New returns an empty cache whose answers last ttl.
func New[V any](ttl time.Duration) *Cache[V] {
	return &Cache[V]{ttl: ttl, entries: map[string]entry[V]{}}
}

// Get returns key's answer when it was put less than the TTL before now.
func (c *Cache[V]) Get(key string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.until) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Put keeps key's answer, read at now.
func (c *Cache[V]) Put(key string, value V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxEntries {
		clear(c.entries)
	}
	c.entries[key] = entry[V]{value: value, until: now.Add(c.ttl)}
}

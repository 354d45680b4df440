package apikeys

import (
	"sync"
	"time"
)

// maxCached bounds each cache of the guard: once full it is emptied, so that requests naming ever new
// sites cannot grow it without end.
const maxCached = 10000

// ttlCache keeps answers by key for a while.
type ttlCache[V any] struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]cached[V]
}

type cached[V any] struct {
	value V
	until time.Time
}

func newTTLCache[V any](ttl time.Duration) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, entries: map[string]cached[V]{}}
}

// get returns key's answer when it was put less than the TTL before now.
func (c *ttlCache[V]) get(key string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.until) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// put keeps key's answer, read at now.
func (c *ttlCache[V]) put(key string, value V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCached {
		clear(c.entries)
	}
	c.entries[key] = cached[V]{value: value, until: now.Add(c.ttl)}
}

// Package clockcache is a fixed-size cache of answers by string key without a lock, for lookups on every
// request (internal/bots, internal/useragent): a key's answer can only be in the ways slots of the set
// its hash picks, so a lookup is a hash and at most two comparisons, and a miss replaces one of them,
// never touching the others. Each set replaces by second chance (CLOCK): an answer read since the set's
// last replacement is kept over one that was not, so the keys that keep coming stay while a stream of
// new ones passes through.
package clockcache

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// ways is how many slots a key's answer can be in.
const ways = 2

// Cache holds answers of type V by key.
type Cache[V any] struct {
	seed  maphash.Seed
	slots []atomic.Pointer[entry[V]]
	sets  uint64
}

// entry is one answer; only used changes once it is in a slot.
type entry[V any] struct {
	key   string
	value V
	used  atomic.Bool // read since the set's last replacement
}

// New returns a cache of about entries answers (at least two).
func New[V any](entries int) *Cache[V] {
	sets := max(1, entries/ways)
	return &Cache[V]{seed: maphash.MakeSeed(), slots: make([]atomic.Pointer[entry[V]], sets*ways), sets: uint64(sets)}
}

// set returns the slots where key's answer can be, and which of them a replacement looks at first.
func (c *Cache[V]) set(key string) ([]atomic.Pointer[entry[V]], int) {
	h := maphash.String(c.seed, key)
	first := int(h%c.sets) * ways
	return c.slots[first : first+ways], int(h / c.sets % ways)
}

// Get returns the answer kept for key, if any, and marks it used.
func (c *Cache[V]) Get(key string) (V, bool) {
	set, _ := c.set(key)
	for i := range set {
		if e := set[i].Load(); e != nil && e.key == key {
			if !e.used.Load() {
				e.used.Store(true)
			}
			return e.value, true
		}
	}
	var zero V
	return zero, false
}

// Add keeps value as the answer for key in an empty slot of its set; in a full set, in the first slot,
// from the set's starting one, whose answer was not used since the last replacement. The used answers it
// passes lose their mark (their second chance); when every answer was used, the starting slot's is
// replaced. The key is copied: it may be a request's memory.
func (c *Cache[V]) Add(key string, value V) {
	set, start := c.set(key)
	e := &entry[V]{key: strings.Clone(key), value: value}
	for i := range set {
		if set[i].Load() == nil {
			set[i].Store(e)
			return
		}
	}
	victim := start
	for n := range ways {
		i := (start + n) % ways
		old := set[i].Load()
		if !old.used.Load() {
			victim = i
			break
		}
		old.used.Store(false)
	}
	set[victim].Store(e)
}

// Holds reports whether the cache holds an answer for key, without marking it used.
func (c *Cache[V]) Holds(key string) bool {
	set, _ := c.set(key)
	for i := range set {
		if e := set[i].Load(); e != nil && e.key == key {
			return true
		}
	}
	return false
}

// Len is how many answers the cache holds.
func (c *Cache[V]) Len() int {
	n := 0
	for i := range c.slots {
		if c.slots[i].Load() != nil {
			n++
		}
	}
	return n
}

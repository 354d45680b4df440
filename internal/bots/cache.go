package bots

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// Bounds: browsers send few distinct user agents, so a few thousand cover nearly every request. A user
// agent is classified by its first maxUserAgent bytes (browsers' take a few hundred), so that neither a
// request's classification nor a cache entry grows with a huge header.
const (
	cacheEntries = 4096
	cacheWays    = 2
	maxUserAgent = 1024
)

// cache holds the latest answers for user agents in cacheEntries slots, without a lock: a user agent's
// answer can only be in the cacheWays slots of the set its hash picks, so a lookup is a hash and at most
// cacheWays comparisons, and a miss replaces one of them, never touching the others. Each set replaces
// by second chance (CLOCK): an answer read since the set's last replacement is kept over one that was
// not, so the user agents that keep coming stay while a stream of new ones passes through.
type cache struct {
	seed  maphash.Seed
	slots []atomic.Pointer[cached]
	sets  uint64
}

// cached is one answer; only used changes once it is in a slot.
type cached struct {
	userAgent string
	bot       bool
	used      atomic.Bool // read since the set's last replacement
}

func newCache(entries int) *cache {
	sets := max(1, entries/cacheWays)
	return &cache{seed: maphash.MakeSeed(), slots: make([]atomic.Pointer[cached], sets*cacheWays), sets: uint64(sets)}
}

// set returns the slots where userAgent's answer can be, and which of them a replacement looks at first.
func (c *cache) set(userAgent string) ([]atomic.Pointer[cached], int) {
	h := maphash.String(c.seed, userAgent)
	first := int(h%c.sets) * cacheWays
	return c.slots[first : first+cacheWays], int(h / c.sets % cacheWays)
}

// get returns the answer kept for userAgent, if any, and marks it used.
func (c *cache) get(userAgent string) (bot, ok bool) {
	set, _ := c.set(userAgent)
	for i := range set {
		if a := set[i].Load(); a != nil && a.userAgent == userAgent {
			if !a.used.Load() {
				a.used.Store(true)
			}
			return a.bot, true
		}
	}
	return false, false
}

// add keeps bot as the answer for userAgent in an empty slot of its set; in a full set, in the first
// slot, from the set's starting one, whose answer was not used since the last replacement. The used
// answers it passes lose their mark (their second chance); when every answer was used, the starting
// slot's is replaced.
func (c *cache) add(userAgent string, bot bool) {
	set, start := c.set(userAgent)
	a := &cached{userAgent: strings.Clone(userAgent), bot: bot} // not the request's memory
	for i := range set {
		if set[i].Load() == nil {
			set[i].Store(a)
			return
		}
	}
	victim := start
	for n := range cacheWays {
		i := (start + n) % cacheWays
		old := set[i].Load()
		if !old.used.Load() {
			victim = i
			break
		}
		old.used.Store(false)
	}
	set[victim].Store(a)
}

// len is how many answers the cache holds.
func (c *cache) len() int {
	n := 0
	for i := range c.slots {
		if c.slots[i].Load() != nil {
			n++
		}
	}
	return n
}

package useragent

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// Bounds: browsers send few distinct user agents, so a few thousand cover nearly every request; ingestion
// accepts user agents of at most 1,024 characters, so an entry stays small.
const (
	cacheEntries = 4096
	cacheWays    = 2
)

// cache holds the latest answers in cacheEntries slots without a lock, as internal/bots's cache does: a
// user agent's answer can only be in the cacheWays slots of the set its hash picks, and each set replaces
// by second chance (CLOCK), so the user agents that keep coming stay while a stream of new ones passes
// through.
type cache struct {
	seed  maphash.Seed
	slots []atomic.Pointer[cached]
	sets  uint64
}

// cached is one answer; only used changes once it is in a slot.
type cached struct {
	userAgent string
	agent     Agent
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
func (c *cache) get(userAgent string) (Agent, bool) {
	set, _ := c.set(userAgent)
	for i := range set {
		if a := set[i].Load(); a != nil && a.userAgent == userAgent {
			if !a.used.Load() {
				a.used.Store(true)
			}
			return a.agent, true
		}
	}
	return Agent{}, false
}

// add keeps agent as the answer for userAgent: in an empty slot of its set, else in the first slot from
// the set's starting one whose answer was not used since the last replacement (the used answers passed
// lose their mark); when every answer was used, in the starting slot.
func (c *cache) add(userAgent string, agent Agent) {
	set, start := c.set(userAgent)
	a := &cached{userAgent: strings.Clone(userAgent), agent: agent} // not the request's memory
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

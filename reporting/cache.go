package reporting

import (
	"container/list"
	"hash/maphash"
	"sync"
	"time"
)

// stripes is how many invalidation counters the keys are spread over.
const stripes = 4096

// cacheKey names one /stats answer: a site and its local day (the date of projections.Key), counted in days
// since 1970-01-01.
type cacheKey struct {
	siteID string
	day    int64
}

func keyOf(siteID string, day time.Time) cacheKey {
	return cacheKey{siteID: siteID, day: day.Unix() / (24 * 60 * 60)}
}

// StatsCache keeps encoded /stats answers by site and day, evicting the least recently used beyond its
// size. It answers only while [StatsCache.Listen] holds a LISTEN on the stats_changed channel: each
// notification forgets the site-days a commit changed, and while that connection is down the cache is
// empty and bypassed.
//
// Yesterday's, today's and later answers are not notified (migrations/00005: nearly every commit changes
// them, and notifying serialises commits across the cluster); each is kept for at most maxStale after the
// lookup that read it, and so outlives a commit that changed it by at most maxStale too.
//
// A connection can also die without a word (a half-open TCP connection, a vanished host): notifications
// stop arriving and nothing says so. So the listener probes its connection every quarter of maxStale,
// and the cache serves an answer only within maxStale of sending the last probe that was answered:
// Postgres sends a listener the notifications of the commits before a query ahead of the query's answer,
// so by then everything committed before the probe has been forgotten. A cached answer for an older day
// therefore outlives a commit that changed it by at most maxStale however the connection fails, and
// usually by the milliseconds a notification takes.
//
// An answer read from Postgres is kept only if no invalidation of its key was applied between the lookup
// that missed and the store, or it could be older than a commit whose notification has already been
// applied, and stay. Every invalidation bumps a counter, and a fill carries the counters it saw. The
// counters are per key hash (4096 stripes) rather than one for the whole cache, so that under a steady
// stream of commits a fill fails only when its own key (or one sharing its stripe) changed; forgetting
// everything ('*', a lost connection, a new one) bumps a counter of its own.
type StatsCache struct {
	size     int
	maxStale time.Duration
	seed     maphash.Seed

	mu        sync.Mutex
	listening bool
	// freshUntil is when the answers stop being served unless a newer probe is answered.
	freshUntil time.Time
	entries    map[cacheKey]*list.Element // of *cacheEntry
	recent     *list.List                 // most recently used at the front
	all        uint64                     // bumped when everything is forgotten
	keys       [stripes]uint64            // bumped when a key of the stripe is forgotten
}

type cacheEntry struct {
	key     cacheKey
	body    []byte
	expires time.Time // zero for a day the notifications keep fresh
}

// fill is a missed lookup's permission to store the answer it reads; ok is false when the cache is
// bypassed.
type fill struct {
	key     cacheKey
	stripe  int
	all     uint64
	version uint64
	expires time.Time
	ok      bool
}

// expiring reports whether key's day is yesterday, today or later (UTC) at now: such days change with
// nearly every commit and are not notified (migrations/00005), so their answers expire after maxStale.
// Yesterday counts as recent so that the notifications, which cover every day before Postgres's today,
// cover every day that is not recent even when the two clocks disagree about the date.
func expiring(key cacheKey, now time.Time) bool {
	return key.day >= keyOf("", now).day-1
}

// NewStatsCache returns an empty cache of at most size answers, each served at most maxStale after a
// commit that changed it; it serves nothing until Listen runs.
func NewStatsCache(size int, maxStale time.Duration) *StatsCache {
	return &StatsCache{size: size, maxStale: maxStale, seed: maphash.MakeSeed(), entries: make(map[cacheKey]*list.Element), recent: list.New()}
}

// Listening reports whether the cache is in use: its LISTEN connection is up and answered a probe within
// maxStale.
func (c *StatsCache) Listening() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.listening && time.Now().Before(c.freshUntil)
}

// Len returns how many answers the cache holds.
func (c *StatsCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// lookup returns the cached answer for key, or a fill to store the answer read instead. A nil cache
// misses every lookup.
func (c *StatsCache) lookup(key cacheKey) ([]byte, fill) {
	if c == nil {
		return nil, fill{}
	}
	stripe := c.stripe(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.listening {
		return nil, fill{}
	}
	now := time.Now()
	if e, ok := c.entries[key]; ok && now.Before(c.freshUntil) {
		entry := e.Value.(*cacheEntry)
		if entry.expires.IsZero() || now.Before(entry.expires) {
			c.recent.MoveToFront(e)
			return entry.body, fill{}
		}
	}
	f := fill{key: key, stripe: stripe, all: c.all, version: c.keys[stripe], ok: true}
	if expiring(key, now) {
		f.expires = now.Add(c.maxStale)
	}
	return nil, f
}

// store keeps body under f's key unless the key may have changed since f's lookup. Going from listening
// to not listening or back bumps all, so a fill never outlives the connection it was looked up under.
func (c *StatsCache) store(f fill, body []byte) {
	if !f.ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.all != f.all || c.keys[f.stripe] != f.version {
		return
	}
	if e, ok := c.entries[f.key]; ok {
		entry := e.Value.(*cacheEntry)
		entry.body, entry.expires = body, f.expires
		c.recent.MoveToFront(e)
		return
	}
	c.entries[f.key] = c.recent.PushFront(&cacheEntry{key: f.key, body: body, expires: f.expires})
	if c.recent.Len() > c.size {
		oldest := c.recent.Remove(c.recent.Back()).(*cacheEntry)
		delete(c.entries, oldest.key)
	}
}

// forget drops the answers for keys and voids the fills looked up before.
func (c *StatsCache) forget(keys []cacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, key := range keys {
		c.keys[c.stripe(key)]++
		if e, ok := c.entries[key]; ok {
			c.recent.Remove(e)
			delete(c.entries, key)
		}
	}
}

// forgetAll drops every answer and voids every fill looked up before.
func (c *StatsCache) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetAllLocked()
}

// setListening turns the cache on or off; either way it starts empty, and serves nothing until a probe
// is answered.
func (c *StatsCache) setListening(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listening = on
	c.freshUntil = time.Time{}
	c.forgetAllLocked()
}

// confirm records that every notification committed before sent has been applied: answers may be
// served until maxStale after sent.
func (c *StatsCache) confirm(sent time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if until := sent.Add(c.maxStale); c.listening && until.After(c.freshUntil) {
		c.freshUntil = until
	}
}

func (c *StatsCache) forgetAllLocked() {
	c.all++
	clear(c.entries)
	c.recent.Init()
}

func (c *StatsCache) stripe(key cacheKey) int {
	return int(maphash.Comparable(c.seed, key) % stripes)
}

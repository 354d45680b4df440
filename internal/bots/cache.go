package bots

import (
	"container/list"
	"strings"
	"sync"
)

// Bounds: browsers send few distinct user agents, so a few thousand cover nearly every request. A user
// agent is classified by its first maxUserAgent bytes (browsers' take a few hundred), so that neither a
// request's classification nor a cache entry grows with a huge header.
const (
	cacheEntries = 4096
	maxUserAgent = 1024
)

// lru holds the latest answers for the most recently seen user agents.
type lru struct {
	mu      sync.Mutex
	max     int
	order   *list.List // of *cached, most recent first
	entries map[string]*list.Element
}

type cached struct {
	userAgent string
	bot       bool
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), entries: make(map[string]*list.Element, max)}
}

// get returns the answer kept for userAgent, if any, and makes it the most recent.
func (c *lru) get(userAgent string) (bot, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[userAgent]
	if !ok {
		return false, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached).bot, true
}

// add keeps bot as the answer for userAgent, forgetting the least recent answer when full.
func (c *lru) add(userAgent string, bot bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[userAgent]; ok {
		return
	}
	if c.order.Len() >= c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*cached).userAgent)
	}
	userAgent = strings.Clone(userAgent) // not the request's memory
	c.entries[userAgent] = c.order.PushFront(&cached{userAgent: userAgent, bot: bot})
}

// len is how many answers the cache holds.
func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

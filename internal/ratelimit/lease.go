package ratelimit

import (
	"sync"
	"time"
)

// A lease unused for leaseIdleTicks ticks of leaseTick (about a second) is given back to its bucket.
const (
	leaseTick      = 250 * time.Millisecond
	leaseIdleTicks = 4
)

// lease is the tokens this replica holds of one shared bucket, already taken from it in Redis.
type lease struct {
	tokens  int
	limit   Limit
	used    int64 // the tick of the last take that touched it
	pending bool  // a script call that may add to it is under way
}

// giveBack is a lease's unused tokens on their way back to their bucket.
type giveBack struct {
	key    string
	tokens int
	limit  Limit
}

// leases are the tokens a Redis limiter holds, by key. A take that they cover needs no round trip; one
// that they do not cover reserves what they hold and asks Redis for the rest, and for a new lease.
type leases struct {
	mu     sync.Mutex
	byKey  map[string]*lease
	tick   int64
	closed bool
}

// newLeases returns an empty table.
func newLeases() *leases {
	return &leases{byKey: map[string]*lease{}}
}

// reserve takes costs from the leases when they cover every one, and returns a nil request. Otherwise
// it takes what the leases hold of each cost and returns the request for the rest: the events each
// bucket still owes, and a lease for each key that has no lease call under way.
func (ls *leases) reserve(costs []Cost) (*takeRequest, error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.closed {
		return nil, ErrClosed
	}
	if ls.cover(costs) {
		return nil, nil
	}
	req := &takeRequest{orig: costs, held: make([]int, len(costs)), done: make(chan struct{})}
	for i, c := range costs {
		l := ls.byKey[c.Key]
		if l == nil {
			l = &lease{limit: c.Limit}
			ls.byKey[c.Key] = l
		}
		l.used = ls.tick
		req.held[i] = min(l.tokens, c.N)
		l.tokens -= req.held[i]
		if req.held[i] == c.N {
			continue
		}
		ask := 0
		if !l.pending {
			l.pending, ask = true, c.Limit.lease()
		}
		req.costs = append(req.costs, Cost{Key: c.Key, Limit: c.Limit, N: c.N - req.held[i]})
		req.ask = append(req.ask, ask)
	}
	return req, nil
}

// cover takes costs from the leases and reports true when they hold every one; else it takes nothing.
func (ls *leases) cover(costs []Cost) bool {
	for _, c := range costs {
		if l := ls.byKey[c.Key]; l == nil || l.tokens < c.N {
			return false
		}
	}
	for _, c := range costs {
		l := ls.byKey[c.Key]
		l.tokens -= c.N
		l.used = ls.tick
	}
	return true
}

// settle applies the answer of a request's script call: when its events were not all taken it puts
// back what it reserved; each lease it asked for adds granted tokens. Call with ls.mu held.
func (ls *leases) settle(req *takeRequest, granted []int) {
	if ls.closed {
		return
	}
	refund := req.err != nil || req.wait > 0
	for i, c := range req.orig {
		if refund && req.held[i] > 0 {
			ls.at(c).tokens += req.held[i]
		}
	}
	for i, c := range req.costs {
		if req.ask[i] == 0 {
			continue
		}
		l := ls.at(c)
		l.pending = false
		if granted != nil {
			l.tokens += granted[i]
		}
	}
}

// at returns c's lease, making an empty one when an idle sweep has dropped it.
func (ls *leases) at(c Cost) *lease {
	l := ls.byKey[c.Key]
	if l == nil {
		l = &lease{limit: c.Limit, used: ls.tick}
		ls.byKey[c.Key] = l
	}
	return l
}

// idle advances the tick, drops the leases unused for leaseIdleTicks and returns their tokens.
func (ls *leases) idle() []giveBack {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.tick++
	var give []giveBack
	for key, l := range ls.byKey {
		if l.pending || ls.tick-l.used < leaseIdleTicks {
			continue
		}
		if l.tokens > 0 {
			give = append(give, giveBack{key: key, tokens: l.tokens, limit: l.limit})
		}
		delete(ls.byKey, key)
	}
	return give
}

// close drops every lease and returns their tokens; a take then fails with ErrClosed.
func (ls *leases) close() []giveBack {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.closed = true
	var give []giveBack
	for key, l := range ls.byKey {
		if l.tokens > 0 {
			give = append(give, giveBack{key: key, tokens: l.tokens, limit: l.limit})
		}
	}
	ls.byKey = nil
	return give
}

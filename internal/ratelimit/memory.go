package ratelimit

import (
	"context"
	"sync"
	"time"
)

// minSweep is the fewest keys Memory holds before it sweeps full buckets away.
const minSweep = 1024

// Memory keeps the buckets in this process. A key is kept only while its bucket is not full (a full
// bucket is what a missing key means), and the map is swept of full buckets whenever it has doubled
// since the last sweep, so it holds at most twice the buckets that are refilling: about the events
// accepted in the last Limit.Burst, divided by the events each bucket took.
type Memory struct {
	start time.Time
	now   func() float64 // microseconds since start

	mu        sync.Mutex
	tats      map[string]float64
	nextSweep int
	closed    bool
}

// NewMemory returns an empty in-process limiter.
func NewMemory() *Memory {
	m := &Memory{start: time.Now(), tats: map[string]float64{}, nextSweep: minSweep}
	m.now = func() float64 { return float64(time.Since(m.start).Microseconds()) }
	return m
}

// Take takes every cost's tokens when each bucket holds them, and returns 0; otherwise it takes nothing
// and returns how long until every bucket will. Costs' keys must differ.
func (m *Memory) Take(_ context.Context, costs []Cost) (time.Duration, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, ErrClosed
	}
	longest := 0.0
	for _, c := range costs {
		longest = max(longest, wait(m.tats[c.Key], now, c))
	}
	if longest > 0 {
		return microseconds(longest), nil
	}
	for _, c := range costs {
		m.tats[c.Key] = taken(m.tats[c.Key], now, c)
	}
	if len(m.tats) >= m.nextSweep {
		m.sweep(now)
	}
	return 0, nil
}

// sweep forgets the full buckets.
func (m *Memory) sweep(now float64) {
	for key, tat := range m.tats {
		if tat <= now {
			delete(m.tats, key)
		}
	}
	m.nextSweep = max(minSweep, 2*len(m.tats))
}

// Close forgets every bucket.
func (m *Memory) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.tats = nil
}

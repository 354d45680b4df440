package ratelimit

// SetClock makes m read the time, in microseconds, from now.
func (m *Memory) SetClock(now func() float64) {
	m.now = now
}

// Buckets returns how many buckets m holds.
func (m *Memory) Buckets() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tats)
}

// Calls returns how many script calls r has made.
func (r *Redis) Calls() int64 {
	return r.calls.Load()
}

// LeaseSize returns how many tokens a Redis limiter leases at once from a bucket of l.
func LeaseSize(l Limit) int {
	return l.lease()
}

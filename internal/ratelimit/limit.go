// Package ratelimit holds token buckets keyed by name: in this process (Memory) or shared by every
// process that uses the same Redis (Redis). A bucket refills at Limit.Rate events per second up to
// Limit.Burst's worth of that rate; a request takes tokens from several buckets at once, all or none.
//
// The arithmetic is the generic cell rate algorithm (GCRA), a token bucket kept as one number per key:
// the theoretical arrival time (TAT), the moment the bucket will be full again. A key whose TAT has
// passed is a full bucket, so it can be forgotten: Redis expires it then, Memory sweeps it.
package ratelimit

import (
	"errors"
	"math"
	"time"
)

// ErrClosed is the error of a Take after Close.
var ErrClosed = errors.New("rate limiter closed")

// Limit is a token bucket's size and refill: Rate events per second, holding Burst's worth of Rate
// (Rate 5 and Burst 10s hold 50 events). Rate and Burst must be positive.
type Limit struct {
	Rate  float64
	Burst time.Duration
}

// interval is how long one event's token takes to come back, in microseconds.
func (l Limit) interval() float64 {
	return 1e6 / l.Rate
}

// tolerance is how long a full bucket takes to refill from empty, in microseconds.
func (l Limit) tolerance() float64 {
	return float64(l.Burst.Microseconds())
}

// Cost is what a request takes from one bucket: N events from the bucket named Key, sized by Limit.
// The keys of one request must differ.
type Cost struct {
	Key   string
	Limit Limit
	N     int
}

// wait returns how many microseconds after now the bucket whose TAT is tat will hold c's tokens: zero
// or less when it does now. A request larger than the whole bucket fits a full bucket and leaves it in
// debt, which later requests wait out, so no request is refused forever and the rate still holds.
func wait(tat, now float64, c Cost) float64 {
	need := math.Min(float64(c.N)*c.Limit.interval(), c.Limit.tolerance())
	return math.Max(tat, now) - now - (c.Limit.tolerance() - need)
}

// taken returns the bucket's TAT after c's tokens are taken from it at now.
func taken(tat, now float64, c Cost) float64 {
	return math.Max(tat, now) + float64(c.N)*c.Limit.interval()
}

// Leases of the Redis limiter: a replica takes about leaseSpan's worth of a bucket's rate at once, at
// least one token and at most 1/leaseBurstShare of the bucket, so that several replicas share a small
// bucket; maxLease keeps the count within what a script argument carries.
const (
	leaseSpan       = time.Second
	leaseBurstShare = 4
	maxLease        = 1 << 30
)

// lease returns how many tokens a replica leases at once from a bucket of l.
func (l Limit) lease() int {
	n := min(l.Rate*leaseSpan.Seconds(), l.Rate*l.Burst.Seconds()/leaseBurstShare)
	return int(max(1, min(n, maxLease)))
}

// microseconds converts a wait in microseconds to a Duration, rounded up.
func microseconds(us float64) time.Duration {
	return time.Duration(math.Ceil(us)) * time.Microsecond
}

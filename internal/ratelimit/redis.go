package ratelimit

import (
	"context"
	_ "embed"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// takeSource is the bucket arithmetic of Take, run atomically in Redis on Redis' clock.
//
//go:embed take.lua
var takeSource string

// takeScript runs takeSource by its SHA (EVALSHA), loading it first where Redis does not have it yet.
var takeScript = redis.NewScript(takeSource)

// Most requests, and most keys, one script call carries.
const (
	maxCallRequests = 256
	maxCallKeys     = 1024
)

// Redis keeps the buckets in Redis, shared by every process that uses the same keys there. A process
// takes tokens from a bucket in leases of several (Limit.lease: about a second of its rate) and answers
// the takes its leases cover without a round trip; the tokens of a lease are taken from the shared
// bucket when it is granted, so the replicas together never take more than the bucket holds. A take
// the leases do not cover goes to Redis with a request for a new lease; concurrent ones are coalesced:
// one goroutine sends the requests waiting for it as one script call (EVALSHA). A lease unused for
// about a second, and every lease at Close, goes back to its bucket.
type Redis struct {
	client   redis.Scripter
	requests chan *takeRequest
	leases   *leases
	writer   sync.WaitGroup
	calls    atomic.Int64 // script calls made
	args     scriptArgs   // the writer's

	// closing is held for reading while a request is handed over and for writing by Close, so that no
	// request is handed over once requests is closed.
	closing sync.RWMutex
	closed  bool
}

// takeRequest is the part of one Take that the leases do not cover, waiting for its script call.
type takeRequest struct {
	orig  []Cost // the take's costs
	held  []int  // of each of orig, the tokens reserved from the leases
	costs []Cost // what Redis must take: the events the leases did not cover
	ask   []int  // of each of costs, the tokens of the lease to ask for (0: none)
	wait  time.Duration
	err   error
	done  chan struct{}
}

// NewRedis starts the goroutine that calls the script on client; Close stops it.
func NewRedis(client redis.Scripter) *Redis {
	r := &Redis{client: client, requests: make(chan *takeRequest, maxCallRequests), leases: newLeases()}
	r.writer.Go(r.run)
	return r
}

// Take takes every cost's tokens when each bucket holds them, and returns 0; otherwise it takes nothing
// and returns how long until every bucket will. Costs' keys must differ. It fails when Redis does not
// answer within the client's timeouts, or ctx ends before the request is handed over.
func (r *Redis) Take(ctx context.Context, costs []Cost) (time.Duration, error) {
	req, err := r.leases.reserve(costs)
	if req == nil {
		return 0, err
	}
	if err := r.handOver(ctx, req); err != nil {
		req.err = err
		r.leases.mu.Lock()
		r.leases.settle(req, nil)
		r.leases.mu.Unlock()
		return 0, err
	}
	<-req.done
	return req.wait, req.err
}

// handOver gives req to the writer goroutine.
func (r *Redis) handOver(ctx context.Context, req *takeRequest) error {
	r.closing.RLock()
	defer r.closing.RUnlock()
	if r.closed {
		return ErrClosed
	}
	select {
	case r.requests <- req:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("rate limit: %w", ctx.Err())
	}
}

// Close stops the goroutine after the requests handed over are answered, and gives the leases back.
func (r *Redis) Close() {
	r.closing.Lock()
	if !r.closed {
		r.closed = true
		close(r.requests)
	}
	r.closing.Unlock()
	r.writer.Wait()
}

// run gathers the requests that wait and sends them in one script call, and gives idle leases back,
// until Close.
func (r *Redis) run() {
	ticker := time.NewTicker(leaseTick)
	defer ticker.Stop()
	var group []*takeRequest
	for {
		select {
		case first, ok := <-r.requests:
			if !ok {
				r.giveBack(r.leases.close())
				return
			}
			group = r.gather(append(group[:0], first))
			r.call(group, nil)
		case <-ticker.C:
			r.giveBack(r.leases.idle())
		}
	}
}

// giveBack returns the tokens of give to their buckets, at most maxCallKeys leases a script call, so
// that a call never holds Redis long. A give-back that fails is not retried: those tokens come back
// when the buckets refill.
func (r *Redis) giveBack(give []giveBack) {
	for len(give) > 0 {
		n := min(len(give), maxCallKeys)
		r.call(nil, give[:n])
		give = give[n:]
	}
}

// gather adds the requests that wait, or become ready when the handlers run, to group.
func (r *Redis) gather(group []*takeRequest) []*takeRequest {
	keys, yielded := len(group[0].costs), false
	for len(group) < maxCallRequests && keys < maxCallKeys {
		select {
		case req, ok := <-r.requests:
			if !ok {
				return group
			}
			group, keys = append(group, req), keys+len(req.costs)
		default:
			if yielded {
				return group
			}
			// Let the handlers that are ready to run hand their requests over first.
			yielded = true
			runtime.Gosched()
		}
	}
	return group
}

// call runs the script for group and give, settles the leases and answers each request.
func (r *Redis) call(group []*takeRequest, give []giveBack) {
	if len(group) == 0 && len(give) == 0 {
		return
	}
	r.calls.Add(1)
	keys, args := r.args.build(group, give)
	out, err := takeScript.Run(context.Background(), r.client, keys, args).Int64Slice()
	if err == nil && len(out) != len(group)+r.args.leases {
		err = fmt.Errorf("script answered %d figures, not %d", len(out), len(group)+r.args.leases)
	}
	grants := out[min(len(out), len(group)):]
	r.leases.mu.Lock()
	for i, req := range group {
		var granted []int
		if err != nil {
			req.err = fmt.Errorf("rate limit: %w", err)
		} else {
			req.wait = time.Duration(out[i]) * time.Microsecond
			granted, grants = leaseGrants(req, grants)
		}
		r.leases.settle(req, granted)
	}
	r.leases.mu.Unlock()
	for _, req := range group {
		close(req.done)
	}
}

// leaseGrants returns the tokens granted to each of req's costs, from the front of grants, which hold
// a figure for each lease asked in the order asked, and the grants that follow.
func leaseGrants(req *takeRequest, grants []int64) ([]int, []int64) {
	granted := make([]int, len(req.costs))
	for i, ask := range req.ask {
		if ask > 0 {
			granted[i], grants = int(grants[0]), grants[1:]
		}
	}
	return granted, grants
}

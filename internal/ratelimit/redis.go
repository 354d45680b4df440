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

// Redis keeps the buckets in Redis, shared by every process that uses the same keys there. Concurrent
// Takes are coalesced: one goroutine sends the requests waiting for it as one script call (EVALSHA),
// one round trip for all of them, so under load the calls per second stay far below the requests.
type Redis struct {
	client   redis.Scripter
	requests chan *takeRequest
	writer   sync.WaitGroup
	calls    atomic.Int64 // script calls made
	args     scriptArgs   // the writer's

	// closing is held for reading while a request is handed over and for writing by Close, so that no
	// request is handed over once requests is closed.
	closing sync.RWMutex
	closed  bool
}

// takeRequest is one Take waiting for its script call.
type takeRequest struct {
	costs []Cost
	wait  time.Duration
	err   error
	done  chan struct{}
}

// NewRedis starts the goroutine that calls the script on client; Close stops it.
func NewRedis(client redis.Scripter) *Redis {
	r := &Redis{client: client, requests: make(chan *takeRequest, maxCallRequests)}
	r.writer.Go(r.run)
	return r
}

// Take takes every cost's tokens when each bucket holds them, and returns 0; otherwise it takes nothing
// and returns how long until every bucket will. Costs' keys must differ. It fails when Redis does not
// answer within the client's timeouts, or ctx ends before the request is handed over.
func (r *Redis) Take(ctx context.Context, costs []Cost) (time.Duration, error) {
	req := &takeRequest{costs: costs, done: make(chan struct{})}
	r.closing.RLock()
	if r.closed {
		r.closing.RUnlock()
		return 0, ErrClosed
	}
	select {
	case r.requests <- req:
	case <-ctx.Done():
		r.closing.RUnlock()
		return 0, fmt.Errorf("rate limit: %w", ctx.Err())
	}
	r.closing.RUnlock()
	<-req.done
	return req.wait, req.err
}

// Close stops the goroutine after the requests handed over are answered.
func (r *Redis) Close() {
	r.closing.Lock()
	if !r.closed {
		r.closed = true
		close(r.requests)
	}
	r.closing.Unlock()
	r.writer.Wait()
}

// run gathers the requests that wait and sends them in one script call, until Close.
func (r *Redis) run() {
	var group []*takeRequest
	for first := range r.requests {
		group = append(group[:0], first)
		keys, yielded := len(first.costs), false
	gather:
		for len(group) < maxCallRequests && keys < maxCallKeys {
			select {
			case req, ok := <-r.requests:
				if !ok {
					break gather
				}
				group, keys = append(group, req), keys+len(req.costs)
			default:
				if yielded {
					break gather
				}
				// Let the handlers that are ready to run hand their requests over first.
				yielded = true
				runtime.Gosched()
			}
		}
		r.call(group)
	}
}

// call runs the script for group and answers each request.
func (r *Redis) call(group []*takeRequest) {
	r.calls.Add(1)
	keys, args := r.args.build(group)
	waits, err := takeScript.Run(context.Background(), r.client, keys, args).Int64Slice()
	if err == nil && len(waits) != len(group) {
		err = fmt.Errorf("script answered %d requests of %d", len(waits), len(group))
	}
	for i, req := range group {
		if err != nil {
			req.err = fmt.Errorf("rate limit: %w", err)
		} else {
			req.wait = time.Duration(waits[i]) * time.Microsecond
		}
		close(req.done)
	}
}

package messaging

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
)

// streamEntry is an entry read or claimed, decoded and weighed for the window.
type streamEntry struct {
	id     string
	msg    *message.Message
	weight int64
}

// decode decodes entry (see tolerantUnmarshaller) and weighs it: the size of its payload, at least
// minMessageWeight, at most the whole window.
func (r *redisSubscription) decode(entry redis.XMessage) streamEntry {
	msg, _ := tolerantUnmarshaller{}.Unmarshal(entry.Values) // never fails
	return streamEntry{id: entry.ID, msg: msg, weight: min(max(int64(len(msg.Payload)), minMessageWeight), r.sub.cfg.RedisInFlightBytes)}
}

// handOut hands entries out in order: in runs when the subscriber makes them (see handOutRuns), else
// each alone. It reports false if the subscription ended first.
func (r *redisSubscription) handOut(entries []redis.XMessage) bool {
	if r.sub.runs {
		return r.handOutRuns(entries)
	}
	for _, entry := range entries {
		if !r.handOutOne(r.decode(entry)) {
			return false
		}
	}
	return true
}

// handOutOne waits for room for e in the window and sends it out alone (see sendOne). It reports false if
// the subscription ended first.
func (r *redisSubscription) handOutOne(e streamEntry) bool {
	if err := r.window.Acquire(r.ctx, e.weight); err != nil {
		return false
	}
	r.inUse.Add(e.weight)
	return r.sendOne(e)
}

// sendOne sends e, whose room in the window is taken; a goroutine then waits for its acknowledgement,
// sending it again after each Nack, and frees its room once it is settled. It reports false, and frees
// the room, if the subscription ended first.
func (r *redisSubscription) sendOne(e streamEntry) bool {
	cancel, ok := r.send(r.ctx, e.msg)
	if !ok {
		r.release(e.weight)
		return false
	}
	r.settling.Add(1)
	go func() {
		defer r.settling.Done()
		defer r.release(e.weight)
		r.settle(e.id, e.msg, cancel)
	}()
	return true
}

// release frees weight in the window.
func (r *redisSubscription) release(weight int64) {
	r.inUse.Add(-weight)
	r.window.Release(weight)
}

// send hands msg out with a context, derived from parent (which ends with the subscription), that ends
// when it is acknowledged or Nacked, or the subscription ends; the returned function cancels that
// context. It reports false if the subscription ended first.
func (r *redisSubscription) send(parent context.Context, msg *message.Message) (context.CancelFunc, bool) {
	ctx, cancel := context.WithCancel(parent)
	msg.SetContext(ctx)
	select {
	case r.out <- msg:
		return cancel, true
	case <-r.ctx.Done():
		cancel()
		return nil, false
	}
}

// settle waits until msg, entry id, is acknowledged and queues its XACK; after each Nack it sends a copy
// again after RETRY_INITIAL_INTERVAL. A message not acknowledged when the subscription ends stays pending.
func (r *redisSubscription) settle(id string, msg *message.Message, cancel context.CancelFunc) {
	for {
		acked, nacked := r.await(msg, cancel)
		if acked {
			r.acks.add(id)
			return
		}
		if !nacked || !r.wait(r.sub.cfg.RetryInitialInterval) {
			return
		}
		msg = msg.Copy()
		var ok bool
		if cancel, ok = r.send(r.ctx, msg); !ok {
			return
		}
	}
}

// await waits until msg is acknowledged or Nacked or the subscription ends, then cancels msg's context
// (see send). It reports whether msg was acknowledged (an acknowledgement that came just before the end
// still counts) and whether it was Nacked.
func (r *redisSubscription) await(msg *message.Message, cancel context.CancelFunc) (acked, nacked bool) {
	defer cancel()
	select {
	case <-msg.Acked():
		return true, false
	case <-msg.Nacked():
		return false, true
	case <-r.ctx.Done():
		select {
		case <-msg.Acked():
			return true, false
		default:
			return false, false
		}
	}
}

// wait waits d; it reports false if the subscription ended first.
func (r *redisSubscription) wait(d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-r.ctx.Done():
		return false
	}
}

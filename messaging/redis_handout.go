package messaging

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
)

// handOut decodes entry, waits for room for it in the window and sends it out; a goroutine then waits for
// its acknowledgement, sending it again after each Nack. It reports false if the subscription ended
// first.
func (r *redisSubscription) handOut(entry redis.XMessage) bool {
	msg, _ := tolerantUnmarshaller{}.Unmarshal(entry.Values) // never fails
	weight := min(max(int64(len(msg.Payload)), minMessageWeight), r.sub.cfg.RedisInFlightBytes)
	if err := r.window.Acquire(r.ctx, weight); err != nil {
		return false
	}
	r.inUse.Add(weight)
	release := func() {
		r.inUse.Add(-weight)
		r.window.Release(weight)
	}
	settled, ok := r.send(msg)
	if !ok {
		release()
		return false
	}
	r.settling.Add(1)
	go func() {
		defer r.settling.Done()
		defer release()
		r.settle(entry.ID, msg, settled)
	}()
	return true
}

// send hands msg out with a context that ends when it is acknowledged or Nacked, or the subscription
// ends; the returned function cancels that context. It reports false if the subscription ended first.
func (r *redisSubscription) send(msg *message.Message) (context.CancelFunc, bool) {
	ctx, cancel := context.WithCancel(r.ctx)
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
		select {
		case <-msg.Acked():
			cancel()
			r.acks.add(id)
			return
		case <-msg.Nacked():
			cancel()
		case <-r.ctx.Done():
			cancel()
			// An acknowledgement that came just before the end still counts.
			select {
			case <-msg.Acked():
				r.acks.add(id)
			default:
			}
			return
		}
		select {
		case <-time.After(r.sub.cfg.RetryInitialInterval):
		case <-r.ctx.Done():
			return
		}
		msg = msg.Copy()
		var ok bool
		if cancel, ok = r.send(msg); !ok {
			return
		}
	}
}

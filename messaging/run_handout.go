package messaging

import (
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
)

// runWindowShare is the share of the window one run may take at most (an eighth), so that several runs
// are in flight at once: the processor's batches fill with some while others commit.
const runWindowShare = 8

// handOutRuns hands entries (one read's or one claim page's, in stream order) out in order, in runs of
// decodable entries that follow each other there, of at most
// REDIS_RUN_ENTRIES entries weighing at most an eighth of the window; an undecodable entry ends a run and
// goes out alone, marked, and a run of one entry is that entry's own message. It reports false if the
// subscription ended first.
func (r *redisSubscription) handOutRuns(entries []redis.XMessage) bool {
	maxEntries, maxWeight := r.sub.cfg.RedisRunEntries, r.sub.cfg.RedisInFlightBytes/runWindowShare
	var (
		run    []streamEntry
		weight int64
	)
	for _, entry := range entries {
		e := r.decode(entry)
		undecodable := e.msg.Metadata.Get(undecodableKey) != ""
		if len(run) > 0 && (undecodable || len(run) == maxEntries || weight+e.weight > maxWeight) {
			if !r.handOutRun(run, weight) {
				return false
			}
			run, weight = nil, 0
		}
		if undecodable {
			if !r.handOutOne(e) {
				return false
			}
			continue
		}
		run = append(run, e)
		weight += e.weight
	}
	return r.handOutRun(run, weight)
}

// handOutRun waits for room for the run's weight in the window and sends it out as one message with a
// fresh UUID whose context carries the entries' payloads (see Entries); a goroutine then waits for it to
// be settled (see settleRun). It reports false if the subscription ended first.
func (r *redisSubscription) handOutRun(run []streamEntry, weight int64) bool {
	switch len(run) {
	case 0:
		return true
	case 1:
		return r.handOutOne(run[0])
	}
	if err := r.window.Acquire(r.ctx, weight); err != nil {
		return false
	}
	r.inUse.Add(weight)
	payloads := make([][]byte, len(run))
	for i, e := range run {
		payloads[i] = e.msg.Payload
	}
	msg := message.NewMessage(watermill.NewUUID(), nil)
	cancel, ok := r.send(withRunEntries(r.ctx, payloads), msg)
	if !ok {
		r.release(weight)
		return false
	}
	r.settling.Add(1)
	go func() {
		defer r.settling.Done()
		r.settleRun(run, msg, cancel)
	}()
	return true
}

// settleRun waits until the run msg is acknowledged, then queues the XACK of each of its entries; if it
// is Nacked, it hands each entry out again alone after RETRY_INITIAL_INTERVAL, in the room the run held,
// so that each is retried, and poisoned if it must be, on its own. Entries not acknowledged when the
// subscription ends stay pending.
func (r *redisSubscription) settleRun(run []streamEntry, msg *message.Message, cancel func()) {
	held := run // entries whose room in the window this goroutine still holds
	defer func() {
		for _, e := range held {
			r.release(e.weight)
		}
	}()
	acked, nacked := r.await(msg, cancel)
	if acked {
		r.ackAll(run)
		return
	}
	if !nacked || !r.wait(r.sub.cfg.RetryInitialInterval) {
		return
	}
	for len(held) > 0 {
		e := held[0]
		held = held[1:] // sendOne frees e's room, whether it is sent or not
		if !r.sendOne(e) {
			return
		}
	}
}

// ackAll queues the XACK of every entry of run.
func (r *redisSubscription) ackAll(run []streamEntry) {
	ids := make([]string, len(run))
	for i, e := range run {
		ids[i] = e.id
	}
	r.acks.add(ids...)
}

package messaging

import (
	"time"

	"github.com/redis/go-redis/v9"
)

// claimPage is how many idle entries one XAUTOCLAIM takes.
const claimPage = 100

// claim takes over the group's entries idle for CLAIM_IDLE (those of a consumer that is gone, or this
// consumer's own left by a previous run, see ReclaimOwn) at once and then every CLAIM_INTERVAL, and hands
// them out (in runs, when the subscriber makes them).
func (r *redisSubscription) claim() {
	ticker := time.NewTicker(r.sub.cfg.ClaimInterval)
	defer ticker.Stop()
	for {
		if !r.claimIdle() {
			return
		}
		select {
		case <-r.ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// claimIdle runs one claim round over the whole pending list; it reports false once the subscription has
// ended.
func (r *redisSubscription) claimIdle() bool {
	s := r.sub
	start := "0-0"
	for {
		entries, next, err := s.client.XAutoClaim(r.ctx, &redis.XAutoClaimArgs{
			Stream: r.topic, Group: s.cfg.ConsumerGroup, Consumer: s.consumer,
			MinIdle: s.cfg.ClaimIdle, Start: start, Count: claimPage,
		}).Result()
		if err != nil {
			if r.ctx.Err() != nil {
				return false
			}
			r.logger.Error("XAUTOCLAIM failed; claiming again at the next interval", err, nil)
			return true
		}
		claimed := entries[:0]
		for _, entry := range entries {
			if entry.Values == nil {
				// Redis 6.2 answers a pending entry deleted from the stream with nil: nothing to hand out.
				r.acks.add(entry.ID)
				continue
			}
			// An entry this subscription holds already is in a handler's hands (its keeper could not
			// keep it fresh, say while Redis was unreachable): it is not handed out twice.
			if r.keeper.hold(entry.ID) {
				claimed = append(claimed, entry)
			}
		}
		if !r.handOut(claimed) {
			return false
		}
		if next == "0-0" || next == "" {
			return true
		}
		start = next
	}
}

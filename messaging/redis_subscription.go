package messaging

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/semaphore"
)

// readRetryPause is how long a subscription waits after a failed read or acknowledgement before the next.
const readRetryPause = 500 * time.Millisecond

// redisSubscription is one Subscribe call of a redisSubscriber: its stream, the messages it has handed
// out (window), the entries it holds (keeper) and its pending acknowledgements (acks).
type redisSubscription struct {
	sub    *redisSubscriber
	topic  string
	ctx    context.Context // ends with the subscription
	out    chan *message.Message
	window *semaphore.Weighted
	keeper *PendingKeeper
	acks   *ackBatcher
	logger watermill.LoggerAdapter

	settling sync.WaitGroup // one per message handed out and not yet settled
	// inUse is the weight of the messages handed out and not yet settled, and lastWeight the average
	// weight of the entries of the last read: the next read asks for about as many as fit (see count).
	inUse, lastWeight atomic.Int64
}

// run reads and claims entries until the subscription ends, then waits for the messages handed out to
// settle or be abandoned, sends the last acknowledgements and closes the channel.
func (r *redisSubscription) run() {
	defer close(r.out)
	keeperCtx, stopKeeper := context.WithCancel(context.WithoutCancel(r.ctx))
	var background, loops sync.WaitGroup
	background.Go(func() { r.keeper.Run(keeperCtx) })
	acksDone := make(chan struct{})
	background.Go(func() { r.acks.run(acksDone) })
	loops.Go(r.read)
	loops.Go(r.claim)
	loops.Wait()
	r.settling.Wait()
	close(acksDone)
	stopKeeper()
	background.Wait()
}

// read hands out the entries XREADGROUP delivers to this consumer, up to readCount at a time (see count).
func (r *redisSubscription) read() {
	s := r.sub
	for r.ctx.Err() == nil {
		streams, err := s.client.XReadGroup(r.ctx, &redis.XReadGroupArgs{
			Group: s.cfg.ConsumerGroup, Consumer: s.consumer, Streams: []string{r.topic, ">"},
			Count: r.count(), Block: time.Second,
		}).Result()
		if err == redis.Nil {
			continue
		}
		if err != nil {
			if r.ctx.Err() != nil {
				return
			}
			r.logger.Error("XREADGROUP failed, retrying", err, nil)
			if strings.HasPrefix(err.Error(), "NOGROUP") {
				// The stream or the group was deleted (or Redis lost them): start it again.
				if err := s.createGroup(r.ctx, r.topic); err != nil {
					r.logger.Error("recreate consumer group", err, nil)
				}
			}
			r.pause()
			continue
		}
		for _, stream := range streams {
			var weight int64
			for _, entry := range stream.Messages {
				r.keeper.Hold(entry.ID)
				weight += r.weight(entry)
			}
			r.lastWeight.Store(max(weight/int64(max(len(stream.Messages), 1)), minMessageWeight))
			if !r.handOut(stream.Messages) {
				return
			}
		}
	}
}

// count is how many entries the next read asks for: as many as the room left in the window holds at the
// last read's average weight, at least one and at most readCount. Entries read wait for room before they
// are handed out, so this bounds what a subscriber holds beyond its window (a backlog of large packed
// entries would otherwise put readCount of them in memory at once).
func (r *redisSubscription) count() int64 {
	free := r.sub.cfg.RedisInFlightBytes - r.inUse.Load()
	return min(readCount, max(1, free/max(r.lastWeight.Load(), minMessageWeight)))
}

// weight estimates, before decoding, the room entry will take in the window: the size of its field
// values (payload, id, metadata), at least minMessageWeight, at most the whole window.
func (r *redisSubscription) weight(entry redis.XMessage) int64 {
	var size int64
	for _, v := range entry.Values {
		if s, ok := v.(string); ok {
			size += int64(len(s))
		}
	}
	return min(max(size, minMessageWeight), r.sub.cfg.RedisInFlightBytes)
}

// pause waits readRetryPause or until the subscription ends.
func (r *redisSubscription) pause() {
	r.wait(readRetryPause)
}

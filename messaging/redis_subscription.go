package messaging

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/semaphore"
)

// readRetryPause is how long a subscription waits after a failed read or claim before the next.
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

// read hands out the entries XREADGROUP delivers to this consumer, readCount at a time.
func (r *redisSubscription) read() {
	s := r.sub
	for r.ctx.Err() == nil {
		streams, err := s.client.XReadGroup(r.ctx, &redis.XReadGroupArgs{
			Group: s.cfg.ConsumerGroup, Consumer: s.consumer, Streams: []string{r.topic, ">"},
			Count: readCount, Block: time.Second,
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
			for _, entry := range stream.Messages {
				r.keeper.Hold(entry.ID)
			}
			for _, entry := range stream.Messages {
				if !r.handOut(entry) {
					return
				}
			}
		}
	}
}

// pause waits readRetryPause or until the subscription ends.
func (r *redisSubscription) pause() {
	select {
	case <-r.ctx.Done():
	case <-time.After(readRetryPause):
	}
}

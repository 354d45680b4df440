package messaging

import (
	"context"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/redis/go-redis/v9"
)

// Acknowledgements are sent in one XACK when ackBatchMax are waiting, or ackDelay after the first of
// them, whichever comes first.
const (
	ackBatchMax = 512
	ackDelay    = 2 * time.Millisecond
)

// ackBatcher sends the acknowledgements of one subscription in batches: one XACK carries many entry ids.
// An entry acknowledged in Redis is released from the keeper.
type ackBatcher struct {
	client        redis.UniversalClient
	stream, group string
	keeper        *PendingKeeper
	logger        watermill.LoggerAdapter
	ids           chan string
}

func newAckBatcher(client redis.UniversalClient, stream, group string, keeper *PendingKeeper, logger watermill.LoggerAdapter) *ackBatcher {
	return &ackBatcher{client: client, stream: stream, group: group, keeper: keeper, logger: logger,
		ids: make(chan string, ackBatchMax)}
}

// add queues the acknowledgement of entry id.
func (a *ackBatcher) add(id string) {
	a.ids <- id
}

// run sends the queued acknowledgements until done is closed, then sends those still queued and
// returns. A failed XACK is retried until it succeeds or, once done is closed, for a last few seconds:
// an entry whose acknowledgement is lost stays pending and is delivered again, which the processor's
// projection tolerates (it counts each event id once).
func (a *ackBatcher) run(done <-chan struct{}) {
	var (
		batch []string
		timer = time.NewTimer(time.Hour)
		armed bool
	)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case id := <-a.ids:
			batch = append(batch, id)
			if len(batch) < ackBatchMax {
				if !armed {
					timer.Reset(ackDelay)
					armed = true
				}
				continue
			}
		case <-timer.C:
		case <-done:
			a.flushLast(append(batch, a.queued()...))
			return
		}
		timer.Stop()
		armed = false
		a.flush(batch, done)
		batch = batch[:0]
	}
}

// queued takes every acknowledgement waiting in the queue.
func (a *ackBatcher) queued() []string {
	var ids []string
	for {
		select {
		case id := <-a.ids:
			ids = append(ids, id)
		default:
			return ids
		}
	}
}

// flush acknowledges batch, retrying until it succeeds or done is closed (the rest is then up to
// flushLast).
func (a *ackBatcher) flush(batch []string, done <-chan struct{}) {
	for {
		err := a.xack(context.Background(), batch)
		if err == nil {
			return
		}
		a.logger.Error("XACK failed, retrying", err, watermill.LogFields{"entries": len(batch)})
		select {
		case <-done:
			a.flushLast(batch)
			return
		case <-time.After(readRetryPause):
		}
	}
}

// flushLast acknowledges batch at shutdown, trying for a few seconds.
func (a *ackBatcher) flushLast(batch []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		err := a.xack(ctx, batch)
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			a.logger.Error("XACK failed at shutdown; the entries will be delivered again", err,
				watermill.LogFields{"entries": len(batch)})
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// xack acknowledges ids in one command and releases them from the keeper.
func (a *ackBatcher) xack(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := a.client.XAck(ctx, a.stream, a.group, ids...).Err(); err != nil {
		return fmt.Errorf("xack %d entries of %s: %w", len(ids), a.stream, err)
	}
	a.keeper.Release(ids...)
	return nil
}

package messaging

import (
	"context"
	"fmt"
	"slices"
	"sync"
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
// An entry acknowledged in Redis is released from the keeper. Adding never waits for Redis: while an XACK
// fails and is retried, the acknowledgements that come meanwhile wait in memory (at most what the window
// lets the subscription hand out), so that a Redis outage cannot keep the subscription from stopping.
type ackBatcher struct {
	client        redis.UniversalClient
	stream, group string
	keeper        *PendingKeeper
	logger        watermill.LoggerAdapter

	mu      sync.Mutex
	pending []string      // acknowledged in the handler, not yet sent
	wake    chan struct{} // signalled when pending becomes non-empty or reaches ackBatchMax
}

func newAckBatcher(client redis.UniversalClient, stream, group string, keeper *PendingKeeper, logger watermill.LoggerAdapter) *ackBatcher {
	return &ackBatcher{client: client, stream: stream, group: group, keeper: keeper, logger: logger,
		wake: make(chan struct{}, 1)}
}

// add queues the acknowledgement of entry ids.
func (a *ackBatcher) add(ids ...string) {
	a.mu.Lock()
	before := len(a.pending)
	a.pending = append(a.pending, ids...)
	after := len(a.pending)
	a.mu.Unlock()
	if before == 0 || before < ackBatchMax && after >= ackBatchMax {
		select {
		case a.wake <- struct{}{}:
		default:
		}
	}
}

// take removes and returns up to n queued acknowledgements (all of them when n is 0).
func (a *ackBatcher) take(n int) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n == 0 || n > len(a.pending) {
		n = len(a.pending)
	}
	batch := slices.Clone(a.pending[:n])
	a.pending = slices.Delete(a.pending, 0, n)
	return batch
}

// queuedLen is how many acknowledgements wait to be sent.
func (a *ackBatcher) queuedLen() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.pending)
}

// run sends the queued acknowledgements until done is closed, then sends those still queued and
// returns. A failed XACK is retried until it succeeds or, once done is closed, for a last few seconds:
// an entry whose acknowledgement is lost stays pending and is delivered again, which the processor's
// projection tolerates (it counts each event id once).
func (a *ackBatcher) run(done <-chan struct{}) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-a.wake:
		case <-done:
			a.flushLast(a.take(0))
			return
		}
		// The first acknowledgement waits ackDelay for others to join it, unless a batch fills first.
		timer.Reset(ackDelay)
	gather:
		for a.queuedLen() < ackBatchMax {
			select {
			case <-timer.C:
				break gather
			case <-a.wake:
			case <-done:
				timer.Stop()
				a.flushLast(a.take(0))
				return
			}
		}
		timer.Stop()
		for {
			batch := a.take(ackBatchMax)
			if len(batch) == 0 {
				break
			}
			if !a.flush(batch, done) {
				a.flushLast(a.take(0))
				return
			}
			if a.queuedLen() < ackBatchMax {
				break
			}
		}
		if a.queuedLen() > 0 { // what is left waits ackDelay in its turn
			select {
			case a.wake <- struct{}{}:
			default:
			}
		}
	}
}

// flush acknowledges batch, retrying until it succeeds or done is closed; then it has tried batch for a
// last few seconds (see flushLast) and reports false.
func (a *ackBatcher) flush(batch []string, done <-chan struct{}) bool {
	for {
		err := a.xack(context.Background(), batch)
		if err == nil {
			return true
		}
		a.logger.Error("XACK failed, retrying", err, watermill.LogFields{"entries": len(batch)})
		select {
		case <-done:
			a.flushLast(batch)
			return false
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

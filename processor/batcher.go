package processor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// Applier writes a batch of events with distinct ids and reports how many were new.
type Applier interface {
	Apply(ctx context.Context, events []event.Event) (int, error)
}

// Batcher gathers events submitted by many concurrent handlers and writes them in one transaction, so
// the cost of a commit is shared by up to size events. Submit returns only after the event's batch has
// committed (or failed), which lets the handler acknowledge the message after the commit.
type Batcher struct {
	store    Applier
	size     int
	wait     time.Duration
	requests chan request
}

type request struct {
	event event.Event
	done  chan error
}

// NewBatcher returns a batcher that flushes when size events are waiting or wait has passed since the
// first of them arrived.
func NewBatcher(store Applier, size int, wait time.Duration) *Batcher {
	return &Batcher{store: store, size: size, wait: wait, requests: make(chan request)}
}

// Submit hands e to the writer and waits until its batch has been written.
func (b *Batcher) Submit(ctx context.Context, e event.Event) error {
	req := request{event: e, done: make(chan error, 1)}
	select {
	case b.requests <- req:
	case <-ctx.Done():
		return fmt.Errorf("submit event %s: %w", e.EventID, ctx.Err())
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("wait for event %s: %w", e.EventID, ctx.Err())
	}
}

// Run writes batches until ctx is cancelled. Writes use their own context so that a batch already
// taken is finished, not abandoned half-way, when ctx ends.
func (b *Batcher) Run(ctx context.Context) {
	batch := make([]request, 0, b.size)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			b.flush(batch)
			return
		case req := <-b.requests:
			batch = append(batch, req)
			if len(batch) == 1 {
				timer.Reset(b.wait)
			}
			if len(batch) < b.size {
				continue
			}
		case <-timer.C:
		}
		timer.Stop()
		b.flush(batch)
		batch = batch[:0]
	}
}

// flush writes the batch; when Postgres rejects it, each event is written alone so that only the
// offending ones fail.
func (b *Batcher) flush(batch []request) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := b.apply(ctx, batch)
	if !errors.Is(err, ErrRejected) || len(batch) == 1 {
		for _, req := range batch {
			req.done <- err
		}
		return
	}
	for _, req := range batch {
		req.done <- b.apply(ctx, []request{req})
	}
}

func (b *Batcher) apply(ctx context.Context, batch []request) error {
	events := make([]event.Event, 0, len(batch))
	seen := make(map[string]struct{}, len(batch))
	for _, req := range batch {
		if _, dup := seen[req.event.EventID]; dup {
			continue
		}
		seen[req.event.EventID] = struct{}{}
		events = append(events, req.event)
	}
	_, err := b.store.Apply(ctx, events)
	return err
}

package processor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// Applier writes a batch of events with distinct (site_id, event_id) pairs and reports how many were new.
type Applier interface {
	Apply(ctx context.Context, events []event.Event) (int, error)
}

// Batcher gathers the events of messages submitted by many concurrent handlers and writes them in one
// transaction, so the cost of a commit is shared by about size events. Submit returns only after the
// batch has committed (or failed), which lets the handler acknowledge its message after the commit.
type Batcher struct {
	store    Applier
	size     int
	wait     time.Duration
	writers  int
	timeout  time.Duration
	requests chan request
}

type request struct {
	events []event.Event
	done   chan error
}

// NewBatcher returns a batcher that flushes when at least size events are waiting or wait has passed since
// the first of them arrived. Up to writers batches are written at once, each in its own transaction, so
// that Postgres works on one batch while the next is gathered and written. Each write gets timeout.
func NewBatcher(store Applier, size int, wait time.Duration, writers int, timeout time.Duration) *Batcher {
	return &Batcher{store: store, size: size, wait: wait, writers: max(1, writers), timeout: timeout, requests: make(chan request)}
}

// Submit hands the events of one message to the writer and waits until they have been written together.
func (b *Batcher) Submit(ctx context.Context, events []event.Event) error {
	req := request{events: events, done: make(chan error, 1)}
	select {
	case b.requests <- req:
	case <-ctx.Done():
		return fmt.Errorf("submit %d events: %w", len(events), ctx.Err())
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("wait for %d events: %w", len(events), ctx.Err())
	}
}

// Run writes batches until ctx is cancelled. Writes use their own context so that a batch already
// taken is finished, not abandoned half-way, when ctx ends; Run returns after the last write.
func (b *Batcher) Run(ctx context.Context) {
	batches := make(chan []request)
	var writers sync.WaitGroup
	for range b.writers {
		writers.Go(func() {
			for batch := range batches {
				b.flush(batch)
			}
		})
	}
	defer func() {
		close(batches)
		writers.Wait()
	}()

	var batch []request
	events := 0
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			if len(batch) > 0 {
				batches <- batch
			}
			return
		case req := <-b.requests:
			batch = append(batch, req)
			events += len(req.events)
			if len(batch) == 1 {
				timer.Reset(b.wait)
			}
			if events < b.size {
				continue
			}
		case <-timer.C:
		}
		timer.Stop()
		batches <- batch
		batch, events = nil, 0
	}
}

// flush writes the batch; when Postgres rejects it, each message's events are written on their own so
// that only the offending messages fail.
func (b *Batcher) flush(batch []request) {
	err := b.applyInTime(batch)
	if !errors.Is(err, ErrRejected) || len(batch) == 1 {
		for _, req := range batch {
			req.done <- err
		}
		return
	}
	for _, req := range batch {
		req.done <- b.applyInTime([]request{req})
	}
}

// applyInTime writes batch under a deadline of its own: a message re-applied alone after its batch was
// rejected gets the whole timeout, not what the batch and the messages before it left.
func (b *Batcher) applyInTime(batch []request) error {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	return b.apply(ctx, batch)
}

// eventKey identifies an event: event ids are unique per site only.
type eventKey struct {
	site, id string
}

func (b *Batcher) apply(ctx context.Context, batch []request) error {
	var events []event.Event
	seen := make(map[eventKey]struct{})
	for _, req := range batch {
		for _, e := range req.events {
			k := eventKey{site: e.SiteID, id: e.EventID}
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = struct{}{}
			events = append(events, e)
		}
	}
	_, err := b.store.Apply(ctx, events)
	return err
}

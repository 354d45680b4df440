package ingestion

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Packing limits: events per message, and publishes in flight at once. One writer packs best: every
// request that arrives during its write goes into the next message, so under load a message carries
// twice as many single-event requests as with four writers, and the broker's per-message cost, the
// largest part of a single event's, is paid half as often.
const (
	maxEventsPerMessage = 1000
	packWriters         = 1
)

// packer publishes events as messages of many events. Requests that arrive while the writer is busy
// are packed into the next message, so concurrent requests share one broker write (a group commit) and
// the processor receives few, large messages. Under light load each request is its own message and
// waits for nothing but its own write.
type packer struct {
	publisher  message.Publisher
	topic      string
	requests   chan packRequest
	writers    sync.WaitGroup
	requestIDs requestIDs
	keyed      bool // one message per site, keyed by site_id (see keyedPublisher)
}

type packRequest struct {
	events    []event.Event
	requestID string // the client's X-Request-Id, if it sent one
	done      chan packResult
}

// packResult is the outcome of a written batch, handed to its requests one after the other: the writer
// wakes the first, and each request wakes the next as soon as it runs. With every request woken at once
// by the writer, single-event throughput under load was about a quarter lower.
type packResult struct {
	batch     []packRequest
	brokerIDs []string // by request, as writeBatch returns them
	err       error
	i         int // index in batch of the request that receives this result
}

// passOn wakes the request after r's in its batch.
func (r packResult) passOn() {
	if next := r.i + 1; next < len(r.batch) {
		r.batch[next].done <- packResult{batch: r.batch, brokerIDs: r.brokerIDs, err: r.err, i: next}
	}
}

// newPacker starts the writers; close stops them.
func newPacker(publisher message.Publisher, topic string) *packer {
	// The queue holds as many requests as one message can carry (each has an event at least), so that a
	// handler hands its request over without waiting for the writer.
	p := &packer{publisher: publisher, topic: topic, requests: make(chan packRequest, maxEventsPerMessage), requestIDs: newRequestIDs(),
		keyed: partitionsByKey(publisher)}
	for range packWriters {
		p.writers.Go(p.run)
	}
	return p
}

// publish returns the broker id of the message that carries events (of the one that carries the first
// event, when the publisher wants one message per site), once the broker holds them.
func (p *packer) publish(ctx context.Context, events []event.Event, requestID string) (string, error) {
	req := packRequest{events: events, requestID: requestID, done: make(chan packResult, 1)}
	select {
	case p.requests <- req: // the queue has room: no need to make the context's Done channel
	default:
		select {
		case p.requests <- req:
		case <-ctx.Done():
			return "", fmt.Errorf("publish %d events: %w", len(events), ctx.Err())
		}
	}
	res := <-req.done
	res.passOn()
	return res.brokerIDs[res.i], res.err
}

// close stops the writers after the requests in flight; publish must not be called afterwards.
func (p *packer) close() {
	close(p.requests)
	p.writers.Wait()
}

func (p *packer) run() {
	for first := range p.requests {
		batch := []packRequest{first}
		n := len(first.events)
		yielded := false
	drain:
		for n < maxEventsPerMessage {
			select {
			case req, ok := <-p.requests:
				if !ok {
					break drain
				}
				batch = append(batch, req)
				n += len(req.events)
			default:
				if yielded {
					break drain
				}
				// Let the handlers that are ready to run queue their requests first. Under load this
				// packs about twice as many requests per message; when nothing else runs it returns at once.
				yielded = true
				runtime.Gosched()
			}
		}
		brokerIDs, err := p.writeBatch(batch, n)
		batch[0].done <- packResult{batch: batch, brokerIDs: brokerIDs, err: err}
	}
}

// write publishes the events of batch as one message.
func (p *packer) write(batch []packRequest, n int) (string, error) {
	events := make([]event.Event, 0, n)
	for _, req := range batch {
		events = append(events, req.events...)
	}
	payload, err := event.Marshal(events)
	if err != nil {
		return "", err
	}
	msg := message.NewMessage(watermill.NewUUID(), payload)
	if len(batch) == 1 {
		middleware.SetCorrelationID(p.requestIDs.get(batch[0].requestID), msg)
	}
	if err := p.publisher.Publish(p.topic, msg); err != nil {
		return "", fmt.Errorf("publish %d events: %w", n, err)
	}
	return msg.Metadata.Get(messaging.BrokerIDKey), nil
}

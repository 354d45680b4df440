package ingestion

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/event"
)

// Packing limits: events and payload bytes per message, and publishes in flight at once.
//
// maxMessageBytes keeps every message well under Kafka's limit on a record (the publisher's
// ProducerBatchMaxBytes, 1,000,000 bytes, which bounds the batches it sends and so a record; a topic's
// max.message.bytes is 1,048,588 by default), with room left for the record's key and headers, and at
// half of KAFKA_IN_FLIGHT_BYTES' default, so a Kafka subscriber still holds two messages at once; with
// every broker it bounds what the processor decodes at once. An event with every field at its limit
// (props included), of characters that JSON escapes to six bytes, encodes to 431,973 bytes
// (TestLargestValidEventFitsOneMessage), so a valid event fits; a request whose events do not fit in one
// message is split over several.
//
// One writer packs best: every request that arrives during its write goes into the next message, so
// under load a message carries twice as many single-event requests as with four writers, and the
// broker's per-message cost, the largest part of a single event's, is paid half as often.
const (
	maxEventsPerMessage = 1000
	maxMessageBytes     = 512 << 10
	packWriters         = 1
)

// errShuttingDown is the error of a publish after the packer closed.
var errShuttingDown = errors.New("ingestion is shutting down")

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
	// publishDuration times each Publish call; set before the first publish.
	publishDuration prometheus.Observer

	// closing is held for reading by publish while it hands a request over, and for writing by close,
	// so that no request is handed over once requests is closed.
	closing sync.RWMutex
	closed  bool
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

// publish hands events to the writer and returns, once the broker has answered, what became of each
// event. It fails as a whole, with nothing queued, when the events cannot be handed over: ctx ended, or
// the packer closed (errShuttingDown).
func (p *packer) publish(ctx context.Context, events []event.Event, requestID string) (published, error) {
	req, err := newPackRequest(events, requestID)
	if err != nil {
		return published{}, err
	}
	p.closing.RLock()
	if p.closed {
		p.closing.RUnlock()
		return published{}, errShuttingDown
	}
	select {
	case p.requests <- req: // the queue has room: no need to make the context's Done channel
	default:
		select {
		case p.requests <- req:
		case <-ctx.Done():
			p.closing.RUnlock()
			return published{}, fmt.Errorf("publish %d events: %w", len(events), ctx.Err())
		}
	}
	p.closing.RUnlock()
	res := <-req.done
	res.passOn()
	return published{msgOf: res.batch[res.i].msgOf, pack: res.pack}, nil
}

// close stops the writers after the requests handed over; a publish afterwards fails with
// errShuttingDown.
func (p *packer) close() {
	p.closing.Lock()
	p.closed = true
	close(p.requests)
	p.closing.Unlock()
	p.writers.Wait()
}

// run packs the queued requests, in order, into packs within the limits, and writes each.
func (p *packer) run() {
	var carried *packRequest // the request that did not fit in the previous pack
	for {
		var first packRequest
		if carried != nil {
			first, carried = *carried, nil
		} else {
			req, ok := <-p.requests
			if !ok {
				return
			}
			first = req
		}
		batch := []packRequest{first}
		n, size := len(first.events), 1+first.size()
		yielded := false
	drain:
		for n < maxEventsPerMessage && size < maxMessageBytes {
			select {
			case req, ok := <-p.requests:
				if !ok {
					break drain
				}
				if n+len(req.events) > maxEventsPerMessage || size+req.size() > maxMessageBytes {
					carried = &req
					break drain
				}
				batch = append(batch, req)
				n, size = n+len(req.events), size+req.size()
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
		sent := p.write(batch)
		batch[0].done <- packResult{batch: batch, pack: sent}
	}
}

package ingestion

import (
	"context"
	"fmt"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Packing limits: events per message, and publishes in flight at once.
const (
	maxEventsPerMessage = 1000
	packWriters         = 4
)

// packer publishes events as messages of many events. Requests that arrive while the writers are busy
// are packed into the next message, so concurrent requests share one broker write (a group commit) and
// the processor receives few, large messages. Under light load each request is its own message and
// waits for nothing but its own write.
type packer struct {
	publisher message.Publisher
	topic     string
	requests  chan packRequest
	writers   sync.WaitGroup
}

type packRequest struct {
	events        []event.Event
	correlationID string
	done          chan packResult
}

type packResult struct {
	brokerID string
	err      error
}

// newPacker starts the writers; close stops them.
func newPacker(publisher message.Publisher, topic string) *packer {
	p := &packer{publisher: publisher, topic: topic, requests: make(chan packRequest)}
	for range packWriters {
		p.writers.Go(p.run)
	}
	return p
}

// publish returns the broker id of the message that carries events, once the broker holds it.
func (p *packer) publish(ctx context.Context, events []event.Event, correlationID string) (string, error) {
	req := packRequest{events: events, correlationID: correlationID, done: make(chan packResult, 1)}
	select {
	case p.requests <- req:
	case <-ctx.Done():
		return "", fmt.Errorf("publish %d events: %w", len(events), ctx.Err())
	}
	res := <-req.done
	return res.brokerID, res.err
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
				break drain
			}
		}
		brokerID, err := p.write(batch, n)
		for _, req := range batch {
			req.done <- packResult{brokerID: brokerID, err: err}
		}
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
	if len(batch) == 1 && batch[0].correlationID != "" {
		middleware.SetCorrelationID(batch[0].correlationID, msg)
	}
	if err := p.publisher.Publish(p.topic, msg); err != nil {
		return "", fmt.Errorf("publish %d events: %w", n, err)
	}
	return msg.Metadata.Get(messaging.BrokerIDKey), nil
}

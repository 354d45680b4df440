package ingestion

import (
	"errors"
	"fmt"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/messaging"
)

// packRequest is one request's events handed to the writer, already encoded so that the writer knows
// their size before it packs them.
type packRequest struct {
	events []event.Event
	// encoded is '[' and then each event's JSON followed by a comma: with its last comma made ']', the
	// payload of a message of these events alone.
	encoded   []byte
	ends      []int  // where each event's JSON and comma end in encoded
	requestID string // the request's id (httpapi.RequestID), "" when it has none
	done      chan packResult
	msgOf     []int // set by the writer: the index in the pack's messages of each event's message
}

// encodedOverhead is more than an event's JSON takes besides its strings: keys, punctuation, timestamp.
const encodedOverhead = 144

func newPackRequest(events []event.Event, requestID string) (packRequest, error) {
	n := len(events)
	indexes := make([]int, 2*n)
	req := packRequest{events: events, requestID: requestID, done: make(chan packResult, 1), ends: indexes[:n], msgOf: indexes[n:]}
	size := 1
	for j := range events {
		e := &events[j]
		size += encodedOverhead + len(e.EventID) + len(e.SiteID) + len(e.EventType) + len(e.Path) + len(e.UserID)
	}
	req.encoded = append(make([]byte, 0, size), '[')
	for j := range events {
		var err error
		if req.encoded, err = events[j].AppendJSON(req.encoded); err != nil {
			return packRequest{}, fmt.Errorf("encode event %d: %w", j, err)
		}
		req.encoded = append(req.encoded, ',')
		req.ends[j] = len(req.encoded)
	}
	return req, nil
}

// size is the bytes the request's events take in a message: each event and the comma or bracket after it.
func (r *packRequest) size() int {
	return len(r.encoded) - 1
}

// eventJSON returns the JSON of event j.
func (r *packRequest) eventJSON(j int) []byte {
	start := 1
	if j > 0 {
		start = r.ends[j-1]
	}
	return r.encoded[start : r.ends[j]-1]
}

// sentPack is the broker's answer for each message of a pack.
type sentPack struct {
	ids  []string // broker id of each message; "" for one that was not stored
	errs []error  // nil for a stored message
}

// packResult is the outcome of a written batch, handed to its requests one after the other: the writer
// wakes the first, and each request wakes the next as soon as it runs. With every request woken at once
// by the writer, single-event throughput under load was about a quarter lower.
type packResult struct {
	batch []packRequest
	pack  *sentPack
	i     int // index in batch of the request that receives this result
}

// passOn wakes the request after r's in its batch.
func (r packResult) passOn() {
	if next := r.i + 1; next < len(r.batch) {
		r.batch[next].done <- packResult{batch: r.batch, pack: r.pack, i: next}
	}
}

// write publishes the events of batch in one Publish call and returns what the broker did with each
// message. A broker that reports message by message (messaging.PublishErrors) fails only the messages
// it refused; any other error fails them all.
func (p *packer) write(batch []packRequest) *sentPack {
	msgs := p.messages(batch)
	sent := &sentPack{ids: make([]string, len(msgs)), errs: make([]error, len(msgs))}
	start := time.Now()
	err := p.publisher.Publish(p.topic, msgs...)
	p.publishDuration.Observe(time.Since(start).Seconds())
	var refused *messaging.PublishErrors
	switch {
	case err == nil:
	case errors.As(err, &refused) && len(refused.Errs) == len(msgs):
		copy(sent.errs, refused.Errs)
	default:
		err = fmt.Errorf("publish %d messages: %w", len(msgs), err)
		for k := range sent.errs {
			sent.errs[k] = err
		}
	}
	for k, msg := range msgs {
		if sent.errs[k] == nil {
			sent.ids[k] = msg.Metadata.Get(messaging.BrokerIDKey)
		}
	}
	return sent
}

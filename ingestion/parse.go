package ingestion

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// notAnObject is the problem of a batch element that is not a JSON object.
const notAnObject = "event must be a JSON object"

// parseEvent decodes and validates a POST /event body, returning every problem found. The body is
// read in one pass by the scanner; bodies it does not take are decoded by parseEventStd.
func parseEvent(body []byte, now time.Time) (event.Event, []string) {
	raw, ok := scanEvent(string(body))
	if !ok {
		return parseEventStd(body, now)
	}
	return newEvent(&raw, now)
}

// parseEventStd is parseEvent done plainly with encoding/json: the reference the scanner is tested
// against, and what answers malformed bodies with encoding/json's message.
func parseEventStd(body []byte, now time.Time) (event.Event, []string) {
	if msg := checkJSON(body, '{'); msg != "" {
		return event.Event{}, []string{msg}
	}
	raw, ok := fieldsStd(body)
	if !ok {
		return event.Event{}, []string{notAnObject}
	}
	return newEvent(&raw, now)
}

// fieldsStd decodes one JSON object with encoding/json and returns the raw values of the event fields.
func fieldsStd(b []byte) (rawEvent, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		return rawEvent{}, false
	}
	var raw rawEvent
	for key, v := range obj {
		if f := fieldIndex(key); f >= 0 {
			raw[f] = string(v)
		}
	}
	return raw, true
}

// parsedBatch is a validated POST /events body.
type parsedBatch struct {
	items    int           // elements in the request
	events   []event.Event // the valid elements, in request order
	problems [][]string    // by element index, nil for a valid one; shorter when the last ones are valid
}

// add validates the next element: raw holds its fields, or is nil if it is not an object. Elements past
// maxBatch are only counted.
func (b *parsedBatch) add(raw *rawEvent, now time.Time) {
	i := b.items
	b.items++
	if b.items > maxBatch {
		return
	}
	var problems []string
	if raw == nil {
		problems = []string{notAnObject}
	} else {
		var e event.Event
		if e, problems = newEvent(raw, now); problems == nil {
			b.events = append(b.events, e)
			return
		}
	}
	for len(b.problems) < i {
		b.problems = append(b.problems, nil)
	}
	b.problems = append(b.problems, problems)
}

// itemProblems returns the problems of element i, nil when it is valid.
func (b *parsedBatch) itemProblems(i int) []string {
	if i < len(b.problems) {
		return b.problems[i]
	}
	return nil
}

// parseBatch decodes and validates a POST /events body. msg, when not empty, rejects the whole request;
// otherwise every element is either an event or has problems. Like parseEvent it reads the body in one
// pass and leaves what the scanner does not take to parseBatchStd.
func parseBatch(body []byte, now time.Time) (b parsedBatch, msg string) {
	if !scanBatch(string(body), func(raw *rawEvent) { b.add(raw, now) }) {
		return parseBatchStd(body, now)
	}
	return b, b.checkSize()
}

// parseBatchStd is parseBatch done plainly with encoding/json, as parseEventStd is for parseEvent.
func parseBatchStd(body []byte, now time.Time) (b parsedBatch, msg string) {
	if msg := checkJSON(body, '['); msg != "" {
		return parsedBatch{}, msg
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return parsedBatch{}, "malformed JSON: " + err.Error()
	}
	for _, item := range items {
		if raw, ok := fieldsStd(item); ok {
			b.add(&raw, now)
		} else {
			b.add(nil, now)
		}
	}
	return b, b.checkSize()
}

func (b *parsedBatch) checkSize() string {
	if b.items == 0 || b.items > maxBatch {
		return fmt.Sprintf("a batch must hold between 1 and %d events, got %d", maxBatch, b.items)
	}
	return ""
}

// checkJSON reports why body is not a single JSON value starting with open, or "" when it is.
func checkJSON(body []byte, open byte) string {
	kind := map[byte]string{'{': "a JSON object", '[': "a JSON array"}[open]
	dec := json.NewDecoder(bytes.NewReader(body))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return "malformed JSON: " + err.Error()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "unexpected data after the JSON value"
	}
	if trimmed := bytes.TrimLeft(v, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != open {
		return "request body must be " + kind
	}
	return ""
}

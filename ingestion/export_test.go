package ingestion

import (
	"strconv"
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// Exported for the tests: the parsers, the encoding/json references they must agree with, and the
// timestamp shape check.
var (
	ParseEvent    = parseEvent
	ParseEventStd = parseEventStd
	IsRFC3339     = isRFC3339
)

// Batch is a parsed POST /events body: its elements' events or problems, or the request's error.
type Batch struct {
	Items    int
	Events   []event.Event
	Problems [][]string
	Error    string
}

// ParseBatch parses a POST /events body as the handler does.
func ParseBatch(body []byte, now time.Time) Batch {
	return exportBatch(parseBatch(body, now))
}

// ParseBatchEvents parses a POST /events body as the handler does and returns the valid events.
func ParseBatchEvents(body []byte, now time.Time) ([]event.Event, string) {
	b, msg := parseBatch(body, now)
	return b.events, msg
}

// ParseBatchStd parses a POST /events body with encoding/json only.
func ParseBatchStd(body []byte, now time.Time) Batch {
	return exportBatch(parseBatchStd(body, now))
}

func exportBatch(b parsedBatch, msg string) Batch {
	if msg != "" {
		return Batch{Error: msg}
	}
	problems := make([][]string, b.items)
	for i := range problems {
		problems[i] = b.itemProblems(i)
	}
	return Batch{Items: b.items, Events: b.events, Problems: problems}
}

// ScanEvent reports whether the one-pass scanner takes body.
func ScanEvent(body []byte) bool {
	_, ok := scanEvent(string(body))
	return ok
}

// ScanBatch reports whether the one-pass scanner takes body.
func ScanBatch(body []byte) bool {
	return scanBatch(string(body), func(*rawEvent) {})
}

// AnswerBatch returns the answer the handler writes for a POST /events body whose valid events were
// queued as queuedID, and whether the body got that far; events without an id get "generated-<index>".
func AnswerBatch(body []byte, now time.Time, queuedID string) (Batch, string, bool) {
	b, msg := parseBatch(body, now)
	if msg != "" {
		return Batch{}, "", false
	}
	for i := range b.events {
		if b.events[i].EventID == "" {
			b.events[i].EventID = "generated-" + strconv.Itoa(i)
		}
	}
	if len(b.events) == 0 {
		return exportBatch(b, ""), string(appendBatchRejected(nil, &b)), true
	}
	res := published{msgOf: make([]int, len(b.events)), pack: &sentPack{ids: []string{queuedID}, errs: []error{nil}}}
	return exportBatch(b, ""), string(appendBatchAccepted(nil, &b, res)), true
}

// AnswerEvent returns the answer the handler writes for an event queued as queuedID.
func AnswerEvent(queuedID, eventID string) string {
	return string(appendAccepted(nil, queuedID, eventID))
}

// MaxEventsPerMessage is the most events the packer puts in one message.
const MaxEventsPerMessage = maxEventsPerMessage

// Queued returns how many requests wait for the packer's writer.
func (a *API) Queued() int {
	return len(a.packer.requests)
}

// MaxMessageBytes is the most payload bytes the packer puts in one message.
const MaxMessageBytes = maxMessageBytes

// Derive sets the fields that ingestion derives from the request and the referrer database on events
// sent with the User-Agent header.
func Derive(header string, events []event.Event) {
	newCapture().derive(header, events)
}

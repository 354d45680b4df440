package ingestion

import (
	"fmt"
	"time"
)

// segmentTimestamp returns when call m happened. Its client's clock is timestamp or, when absent,
// originalTimestamp (what RudderStack's SDKs send); without either it is now, the time it was received.
// When the call (or its batch) says when it was sent, the client clock's skew is corrected as Segment
// documents: timestamp = receivedAt − (sentAt − timestamp). The result must be from 1970 on and at most
// maxFuture ahead of now.
func segmentTimestamp(m *segmentMessage, batchSentAt string, now time.Time) (time.Time, []string) {
	name, raw := "timestamp", m.timestamp
	if absent(raw) {
		name, raw = "originalTimestamp", m.originalTimestamp
	}
	if absent(raw) {
		return now.UTC(), nil
	}
	ts, msg := segmentInstant(raw, name)
	if msg != "" {
		return time.Time{}, []string{msg}
	}
	sentRaw := m.sentAt
	if absent(sentRaw) {
		sentRaw = batchSentAt
	}
	if !absent(sentRaw) {
		sent, msg := segmentInstant(sentRaw, "sentAt")
		if msg != "" {
			return time.Time{}, []string{msg}
		}
		ts = now.Add(-sent.Sub(ts))
	}
	switch {
	case ts.Before(earliest):
		return time.Time{}, []string{fmt.Sprintf("%q must not be before 1970-01-01T00:00:00Z", name)}
	case ts.After(now.Add(maxFuture)):
		return time.Time{}, []string{fmt.Sprintf("%q must not be more than 24 hours in the future", name)}
	}
	return ts.UTC(), nil
}

// segmentInstant reads the raw JSON value of a date-time field: an RFC 3339 string, as JavaScript's
// Date.toISOString writes it.
func segmentInstant(raw, name string) (time.Time, string) {
	s, msg := stringValue(raw, field{name: name, max: 64})
	if msg != "" {
		return time.Time{}, msg
	}
	if isRFC3339(s) {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, ""
		}
	}
	return time.Time{}, fmt.Sprintf("%q must be an ISO 8601 date-time with offset, such as 2025-11-12T19:30:01.123Z", name)
}

package ingestion

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/analytics-pipeline/analytics/event"
)

// Length limits of the event's fields, in characters.
const (
	maxSiteID    = 128
	maxEventType = 64
	maxPath      = 2048
	maxUserID    = 256
	maxEventID   = 128
)

// maxFuture is how far ahead of the server's clock an event's timestamp may be.
const maxFuture = 24 * time.Hour

// earliest is the oldest timestamp accepted.
var earliest = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// field describes one string field of the request.
type field struct {
	name     string
	max      int
	required bool
}

var fields = []field{
	{name: "site_id", max: maxSiteID, required: true},
	{name: "event_type", max: maxEventType, required: true},
	{name: "path", max: maxPath, required: true},
	{name: "user_id", max: maxUserID},
	{name: "event_id", max: maxEventID},
	{name: "timestamp", max: 64},
}

// parseEvent validates one JSON object and converts it to an event, returning every problem found.
// Unknown fields are ignored; a missing event_id gets a UUIDv7, a missing timestamp the receive time.
func parseEvent(raw json.RawMessage, now time.Time) (event.Event, []string) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return event.Event{}, []string{"event must be a JSON object"}
	}
	values := make(map[string]string, len(fields))
	var problems []string
	for _, f := range fields {
		v, msg := stringField(obj, f)
		if msg != "" {
			problems = append(problems, msg)
		}
		values[f.name] = v
	}
	ts := now
	if s := values["timestamp"]; s != "" {
		var msg string
		if ts, msg = parseTimestamp(s, now); msg != "" {
			problems = append(problems, msg)
		}
	}
	if len(problems) > 0 {
		return event.Event{}, problems
	}
	id := values["event_id"]
	if id == "" {
		id = uuid.Must(uuid.NewV7()).String()
	}
	return event.Event{
		EventID:   id,
		SiteID:    values["site_id"],
		EventType: values["event_type"],
		Path:      values["path"],
		UserID:    values["user_id"],
		Timestamp: ts.UTC(),
	}, nil
}

// stringField reads one optional or required string; null counts as absent.
func stringField(obj map[string]json.RawMessage, f field) (string, string) {
	raw, ok := obj[f.name]
	if !ok || string(raw) == "null" {
		if f.required {
			return "", fmt.Sprintf("%q is required", f.name)
		}
		return "", ""
	}
	if !utf8.Valid(raw) {
		return "", fmt.Sprintf("%q must be valid UTF-8", f.name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Sprintf("%q must be a string", f.name)
	}
	switch {
	case s == "" && f.required:
		return "", fmt.Sprintf("%q is not allowed to be empty", f.name)
	case strings.ContainsRune(s, 0):
		return "", fmt.Sprintf("%q must not contain NUL characters", f.name)
	case utf8.RuneCountInString(s) > f.max:
		return "", fmt.Sprintf("%q length must be less than or equal to %d characters long", f.name, f.max)
	}
	return s, ""
}

// rfc3339 is the exact shape of an RFC 3339 date-time; time.Parse alone also accepts a few non-RFC
// forms (one-digit hours, a comma before the fraction, offsets such as +24:00).
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

// parseTimestamp accepts an RFC 3339 instant with any offset that is a real date, not before 1970 and
// not more than maxFuture ahead of now.
func parseTimestamp(s string, now time.Time) (time.Time, string) {
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !rfc3339.MatchString(s) {
		return time.Time{}, `"timestamp" must be an RFC 3339 date-time with offset, such as 2025-11-12T19:30:01Z`
	}
	if ts.Before(earliest) {
		return time.Time{}, `"timestamp" must not be before 1970-01-01T00:00:00Z`
	}
	if ts.After(now.Add(maxFuture)) {
		return time.Time{}, `"timestamp" must not be more than 24 hours in the future`
	}
	return ts, ""
}

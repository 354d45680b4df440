package ingestion

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/analytics-pipeline/analytics/event"
)

// Length limits of the event's fields, in characters.
const (
	maxSiteID    = 128
	maxEventType = 64
	maxPath      = 2048
	maxUserID    = 256
	maxEventID   = 128
	maxURL       = 2000 // Plausible's bound on url and referrer
	maxReferrer  = 2000
	maxUserAgent = 1024
)

// field describes one string field of the request.
type field struct {
	name     string
	max      int
	required bool
}

// Indexes of the request's fields in fields and in rawEvent.
const (
	fieldSiteID = iota
	fieldEventType
	fieldPath
	fieldUserID
	fieldEventID
	fieldTimestamp
	fieldURL
	fieldReferrer
	fieldUserAgent
	fieldProps // an object, read by parseProps
	numFields
)

var fields = [numFields]field{
	fieldSiteID:    {name: "site_id", max: maxSiteID, required: true},
	fieldEventType: {name: "event_type", max: maxEventType, required: true},
	fieldPath:      {name: "path", max: maxPath, required: true},
	fieldUserID:    {name: "user_id", max: maxUserID},
	fieldEventID:   {name: "event_id", max: maxEventID},
	fieldTimestamp: {name: "timestamp", max: 64},
	fieldURL:       {name: "url", max: maxURL},
	fieldReferrer:  {name: "referrer", max: maxReferrer},
	fieldUserAgent: {name: "user_agent", max: maxUserAgent},
	fieldProps:     {name: "props"},
}

// fieldIndex returns the index of the field named key, or -1 for an unknown field.
func fieldIndex(key string) int {
	switch key {
	case "site_id":
		return fieldSiteID
	case "event_type":
		return fieldEventType
	case "path":
		return fieldPath
	case "user_id":
		return fieldUserID
	case "event_id":
		return fieldEventID
	case "timestamp":
		return fieldTimestamp
	case "url":
		return fieldURL
	case "referrer":
		return fieldReferrer
	case "user_agent":
		return fieldUserAgent
	case "props":
		return fieldProps
	}
	return -1
}

// rawEvent holds the raw JSON value of each field of one event object, "" when the field is absent:
// what json.Unmarshal into a map[string]json.RawMessage holds under those keys (the last of duplicates).
type rawEvent [numFields]string

// newEvent validates the fields of one event object and converts them to an event, returning every
// problem found. A missing timestamp is now; a missing event_id stays empty for the caller to assign; a
// missing path is the url's. What the url tells is derived here (see capturedFields); what needs the
// request or the referrer database, later (see capture).
func newEvent(raw *rawEvent, now time.Time) (event.Event, []string) {
	var values [numFields]string
	var problems []string
	pathFromURL := absent(raw[fieldPath]) && !absent(raw[fieldURL]) && raw[fieldURL] != `""`
	for i, f := range fields {
		if i == fieldProps || (i == fieldPath && pathFromURL) {
			continue
		}
		v, msg := stringValue(raw[i], f)
		if msg != "" {
			problems = append(problems, msg)
		}
		values[i] = v
	}
	ts := now
	if s := values[fieldTimestamp]; s != "" {
		var msg string
		if ts, msg = parseTimestamp(s, now); msg != "" {
			problems = append(problems, msg)
		}
	}
	page, props, more := capturedFields(raw, &values)
	problems = append(problems, more...)
	if pathFromURL {
		values[fieldPath] = page.Path
	}
	if len(problems) > 0 {
		return event.Event{}, problems
	}
	return event.Event{
		EventID:     values[fieldEventID],
		SiteID:      values[fieldSiteID],
		EventType:   values[fieldEventType],
		Path:        values[fieldPath],
		UserID:      values[fieldUserID],
		Timestamp:   ts.UTC(),
		URL:         values[fieldURL],
		Referrer:    values[fieldReferrer],
		Props:       props,
		Hostname:    page.Hostname,
		UTMSource:   page.UTM[0],
		UTMMedium:   page.UTM[1],
		UTMCampaign: page.UTM[2],
		UTMContent:  page.UTM[3],
		UTMTerm:     page.UTM[4],
		UserAgent:   values[fieldUserAgent],
	}, nil
}

// absent reports whether a field's raw JSON value stands for no value: missing or null.
func absent(raw string) bool {
	return raw == "" || raw == "null"
}

// stringValue reads one optional or required string from its raw JSON value; null counts as absent.
func stringValue(raw string, f field) (string, string) {
	if absent(raw) {
		if f.required {
			return "", fmt.Sprintf("%q is required", f.name)
		}
		return "", ""
	}
	if !utf8.ValidString(raw) {
		return "", fmt.Sprintf("%q must be valid UTF-8", f.name)
	}
	s, ok := unquote(raw)
	if !ok {
		return "", fmt.Sprintf("%q must be a string", f.name)
	}
	switch {
	case s == "" && f.required:
		return "", fmt.Sprintf("%q is not allowed to be empty", f.name)
	case strings.IndexByte(s, 0) >= 0:
		return "", fmt.Sprintf("%q must not contain NUL characters", f.name)
	case len(s) > f.max && utf8.RuneCountInString(s) > f.max:
		return "", fmt.Sprintf("%q length must be less than or equal to %d characters long", f.name, f.max)
	}
	return s, ""
}

// unquote decodes raw, a JSON value, as a string the way json.Unmarshal does, and reports whether it is
// one. Without escapes the string is raw's inside, shared rather than copied.
func unquote(raw string) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if strings.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], true
	}
	var s string
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return "", false
	}
	return s, true
}

// Package event defines the analytics event that travels from ingestion through the broker to the processor.
package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/analytics-pipeline/analytics/internal/jsonstr"
)

// PageView is the event type counted as a view and in top paths.
const PageView = "page_view"

// Event is one analytics event as it is carried on the broker and stored in Postgres. SiteID and EventID
// together identify it: clients choose ids, which need be unique only within a site.
type Event struct {
	EventID   string    `json:"event_id"`
	SiteID    string    `json:"site_id"`
	EventType string    `json:"event_type"`
	Path      string    `json:"path"`
	UserID    string    `json:"user_id,omitempty"`
	Timestamp time.Time `json:"timestamp"`
	// Bot marks an event whose request came from a bot (see ingestion's bot filtering): it is stored with
	// the raw events but counted in no projection.
	Bot bool `json:"bot,omitempty"`

	// VisitorID identifies the event's visitor within its site (internal/visitor): derived from UserID when
	// there is one, otherwise from a per-date salt, the client's address and user agent at ingestion.
	// Zero means not computed (a message from a build before visitors); the processor then derives it.
	VisitorID int64 `json:"visitor_id,omitempty"`
	// Captured by ingestion from the request (all optional).
	URL      string            `json:"url,omitempty"`      // the page's full URL
	Referrer string            `json:"referrer,omitempty"` // the referring URL as sent
	Props    map[string]string `json:"props,omitempty"`    // custom properties; numbers and booleans as their JSON text
	// Traits are what a Segment identify or group call says of its user or group (with group's groupId and
	// alias's previousId), in the form of Props. They are stored with the raw event and read by no
	// projection: unlike Props, they are never reported.
	Traits map[string]string `json:"traits,omitempty"`
	// UserAgent is the user agent that Browser..Device come from: the event's user_agent field, else its
	// request's User-Agent header. Ingestion keeps it for the visitor id; it is neither published nor stored.
	UserAgent string `json:"-"`
	// Derived by ingestion: the URL's host and UTM parameters, the referrer's traffic source, and the user
	// agent's browser, OS and device. Empty when unknown.
	Hostname       string `json:"hostname,omitempty"`
	Source         string `json:"source,omitempty"` // a known name ("Google") or the referrer's host; empty is Direct / None
	UTMSource      string `json:"utm_source,omitempty"`
	UTMMedium      string `json:"utm_medium,omitempty"`
	UTMCampaign    string `json:"utm_campaign,omitempty"`
	UTMContent     string `json:"utm_content,omitempty"`
	UTMTerm        string `json:"utm_term,omitempty"`
	Browser        string `json:"browser,omitempty"`
	BrowserVersion string `json:"browser_version,omitempty"`
	OS             string `json:"os,omitempty"`
	OSVersion      string `json:"os_version,omitempty"`
	Device         string `json:"device,omitempty"` // Desktop, Mobile or Tablet
}

// optionalStrings returns the optional string fields after Bot, in the order json.Marshal writes them.
func (e *Event) optionalStrings() [16]struct{ key, value string } {
	return [16]struct{ key, value string }{
		{`,"url":`, e.URL}, {`,"referrer":`, e.Referrer}, {"", ""}, // the slot of props and traits, written apart
		{`,"hostname":`, e.Hostname}, {`,"source":`, e.Source},
		{`,"utm_source":`, e.UTMSource}, {`,"utm_medium":`, e.UTMMedium}, {`,"utm_campaign":`, e.UTMCampaign},
		{`,"utm_content":`, e.UTMContent}, {`,"utm_term":`, e.UTMTerm},
		{`,"browser":`, e.Browser}, {`,"browser_version":`, e.BrowserVersion}, {`,"os":`, e.OS},
		{`,"os_version":`, e.OSVersion}, {`,"device":`, e.Device}, {"", ""},
	}
}

// Marshal encodes events as one broker message payload: a JSON array. One message carries many events so
// that the broker and the processor pay their per-message costs once per batch, not once per event.
// The payload is exactly what json.Marshal makes of events, written without reflection: ingestion
// encodes every event it accepts.
func Marshal(events []Event) ([]byte, error) {
	if events == nil {
		return []byte("null"), nil
	}
	size := 2
	for i := range events {
		e := &events[i]
		size += eventOverhead + len(e.EventID) + len(e.SiteID) + len(e.EventType) + len(e.Path) + len(e.UserID)
		if e.VisitorID != 0 {
			size += len(`,"visitor_id":-9223372036854775808`)
		}
		for _, f := range e.optionalStrings() {
			if f.value != "" {
				size += len(f.key) + len(f.value) + 2
			}
		}
		for k, v := range e.Props {
			size += len(k) + len(v) + 6
		}
		for k, v := range e.Traits {
			size += len(k) + len(v) + 6
		}
	}
	b := make([]byte, 0, size)
	b = append(b, '[')
	for i := range events {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = events[i].AppendJSON(b); err != nil {
			return nil, fmt.Errorf("marshal events: event %d: %w", i, err)
		}
	}
	return append(b, ']'), nil
}

// eventOverhead is the length of an encoded event besides its strings: keys, punctuation, timestamp.
const eventOverhead = len(`{"event_id":"","site_id":"","event_type":"","path":"","user_id":"","timestamp":"","bot":true},`) +
	len("2006-01-02T15:04:05.999999999-07:00")

// AppendJSON appends e as json.Marshal encodes it: one element of the array Marshal makes.
func (e *Event) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"event_id":`...)
	b = jsonstr.Append(b, e.EventID)
	b = append(b, `,"site_id":`...)
	b = jsonstr.Append(b, e.SiteID)
	b = append(b, `,"event_type":`...)
	b = jsonstr.Append(b, e.EventType)
	b = append(b, `,"path":`...)
	b = jsonstr.Append(b, e.Path)
	if e.UserID != "" {
		b = append(b, `,"user_id":`...)
		b = jsonstr.Append(b, e.UserID)
	}
	b = append(b, `,"timestamp":"`...)
	b, err := e.Timestamp.AppendText(b)
	if err != nil {
		return nil, err
	}
	b = append(b, '"')
	if e.Bot {
		b = append(b, `,"bot":true`...)
	}
	if e.VisitorID != 0 {
		b = append(b, `,"visitor_id":`...)
		b = strconv.AppendInt(b, e.VisitorID, 10)
	}
	for i, f := range e.optionalStrings() {
		if i == 2 && len(e.Props) > 0 {
			b = appendMap(b, `,"props":{`, e.Props)
		}
		if i == 2 && len(e.Traits) > 0 {
			b = appendMap(b, `,"traits":{`, e.Traits)
		}
		if f.value != "" {
			b = append(b, f.key...)
			b = jsonstr.Append(b, f.value)
		}
	}
	return append(b, '}'), nil
}

// appendMap appends key, which opens an object (props or traits), and the members of m with their keys
// sorted, as json.Marshal writes a map.
func appendMap(b []byte, key string, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, key...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, k)
		b = append(b, ':')
		b = jsonstr.Append(b, m[k])
	}
	return append(b, '}')
}

// Unmarshal decodes a broker message payload: a JSON array of events, or a single event object. It fails
// when the payload is empty or an event lacks a required field.
func Unmarshal(payload []byte) ([]Event, error) {
	payload = bytes.TrimSpace(payload)
	var events []Event
	var err error
	if len(payload) > 0 && payload[0] == '{' {
		events = make([]Event, 1)
		err = json.Unmarshal(payload, &events[0])
	} else {
		err = json.Unmarshal(payload, &events)
	}
	if err != nil {
		return nil, fmt.Errorf("unmarshal events: %w", err)
	}
	if len(events) == 0 {
		return nil, errors.New("unmarshal events: no events in the message")
	}
	for i, e := range events {
		if e.EventID == "" || e.SiteID == "" || e.EventType == "" || e.Timestamp.IsZero() {
			return nil, fmt.Errorf("unmarshal events: event %d lacks event_id, site_id, event_type or timestamp", i)
		}
	}
	return events, nil
}

package ingestion

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/jsonstr"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// Segment's call types, the last path element of their endpoints and the type field of a batch's items.
const (
	segmentTrack    = "track"
	segmentPage     = "page"
	segmentScreen   = "screen"
	segmentIdentify = "identify"
	segmentGroup    = "group"
	segmentAlias    = "alias"
)

// segmentMessage is one call of Segment's HTTP Tracking API: the raw JSON value of each field read, nil
// when absent. Others (integrations, channel, receivedAt, …) are accepted and ignored.
type segmentMessage struct {
	Type              json.RawMessage `json:"type"`
	UserID            json.RawMessage `json:"userId"`
	AnonymousID       json.RawMessage `json:"anonymousId"`
	MessageID         json.RawMessage `json:"messageId"`
	Timestamp         json.RawMessage `json:"timestamp"`
	OriginalTimestamp json.RawMessage `json:"originalTimestamp"`
	SentAt            json.RawMessage `json:"sentAt"`
	Event             json.RawMessage `json:"event"`
	Name              json.RawMessage `json:"name"`
	Properties        json.RawMessage `json:"properties"`
	Traits            json.RawMessage `json:"traits"`
	Context           json.RawMessage `json:"context"`
	GroupID           json.RawMessage `json:"groupId"`
	PreviousID        json.RawMessage `json:"previousId"`
	WriteKey          json.RawMessage `json:"writeKey"`
}

// segmentCall is what a message becomes besides its type: the site its write key decides, and what a
// batch gives every item that lacks it (its context and sentAt).
type segmentCall struct {
	site    string
	context segmentContext
	sentAt  string
	now     time.Time
}

// toEvent validates message m, of type kind, and converts it to the event published for it, as
// newEvent does for POST /event; problems name Segment's fields. track is an event named by its event
// field; page and screen are page views; identify, group and alias are events of their type, which no
// projection counts as a view. The visitor of an event without userId is its anonymousId's.
func (c *segmentCall) toEvent(kind string, m *segmentMessage) (event.Event, []string) {
	ctx, problems := readContext(string(m.Context))
	ctx.inherit(&c.context)
	anonymousID, msg := stringValue(string(m.AnonymousID), field{name: "anonymousId", max: maxUserID})
	problems = appendProblem(problems, msg)
	if (absent(string(m.UserID)) || string(m.UserID) == `""`) && anonymousID == "" && msg == "" {
		problems = append(problems, `"userId" or "anonymousId" is required`)
	}

	var raw rawEvent
	raw[fieldSiteID] = string(jsonstr.Append(nil, c.site))
	raw[fieldUserID], raw[fieldEventID], raw[fieldUserAgent] = string(m.UserID), string(m.MessageID), ctx.userAgent
	names := segmentNames{path: "context.page.path", url: "context.page.url", referrer: "context.page.referrer"}
	raw[fieldPath], raw[fieldURL], raw[fieldReferrer] = ctx.path, ctx.url, ctx.referrer
	props, more := c.properties(kind, m, &raw, &names)
	problems = append(problems, more...)
	if absent(raw[fieldPath]) && (absent(raw[fieldURL]) || raw[fieldURL] == `""`) {
		raw[fieldPath] = `"/"`
	}
	e, more := newEvent(&raw, c.now)
	problems = append(problems, names.rename(more)...)
	ts, more := segmentTimestamp(m, c.sentAt, c.now)
	problems = append(problems, more...)
	if len(problems) > 0 {
		return event.Event{}, problems
	}
	e.Timestamp, e.Props = ts, props
	if e.UserID == "" {
		e.VisitorID = visitor.FromAnonymous(e.SiteID, anonymousID)
	}
	return e, nil
}

// properties sets the event type of raw by kind, one of the six, and the fields a call's properties name, and returns
// its props: the properties of track, page and screen, the traits of identify and group (with groupId),
// and previousId of alias.
func (c *segmentCall) properties(kind string, m *segmentMessage, raw *rawEvent, names *segmentNames) (map[string]string, []string) {
	switch kind {
	case segmentTrack:
		raw[fieldEventType] = string(m.Event) // required: newEvent says so
		return segmentProps(string(m.Properties), "properties", nil)
	case segmentPage:
		raw[fieldEventType] = pageViewJSON
		page := map[string]*string{"path": &raw[fieldPath], "url": &raw[fieldURL], "referrer": &raw[fieldReferrer]}
		names.fromProperties(string(m.Properties), page)
		return segmentProps(string(m.Properties), "properties", page)
	case segmentScreen:
		raw[fieldEventType] = pageViewJSON
		if !absent(string(m.Name)) {
			raw[fieldPath], names.path = string(m.Name), "name"
		}
		return segmentProps(string(m.Properties), "properties", nil)
	case segmentIdentify:
		raw[fieldEventType] = `"` + segmentIdentify + `"`
		return segmentProps(string(m.Traits), "traits", nil)
	case segmentGroup:
		raw[fieldEventType] = `"` + segmentGroup + `"`
		return withID(segmentProps(string(m.Traits), "traits", nil))(m.GroupID, "groupId")
	default: // alias: the callers know no other kind
		raw[fieldEventType] = `"` + segmentAlias + `"`
		return withID(nil, nil)(m.PreviousID, "previousId")
	}
}

// pageViewJSON is event.PageView as a JSON string.
const pageViewJSON = `"` + event.PageView + `"`

// withID returns a function adding the required string field name, of raw value raw, to props.
func withID(props map[string]string, problems []string) func(raw json.RawMessage, name string) (map[string]string, []string) {
	return func(raw json.RawMessage, name string) (map[string]string, []string) {
		id, msg := stringValue(string(raw), field{name: name, max: maxUserID, required: true})
		if msg != "" {
			return nil, append(problems, msg)
		}
		if props == nil {
			props = map[string]string{}
		}
		props[name] = id
		return props, problems
	}
}

// segmentNames are the Segment fields that the path, url and referrer of an event came from.
type segmentNames struct {
	path, url, referrer string
}

// fromProperties takes path, url and referrer from a page call's properties when it has them, over
// those of its context.
func (n *segmentNames) fromProperties(properties string, page map[string]*string) {
	if absent(properties) || properties[0] != '{' {
		return
	}
	obj, _ := propsObject(properties)
	for key, dst := range page {
		if v, ok := obj[key]; ok && !absent(v) {
			*dst = v
			switch key {
			case "path":
				n.path = "properties.path"
			case "url":
				n.url = "properties.url"
			case "referrer":
				n.referrer = "properties.referrer"
			}
		}
	}
}

// rename gives the problems newEvent found the names of the Segment fields they came from.
func (n *segmentNames) rename(problems []string) []string {
	if len(problems) == 0 {
		return problems
	}
	r := strings.NewReplacer(`"event_type"`, `"event"`, `"user_id"`, `"userId"`, `"event_id"`, `"messageId"`,
		`"user_agent"`, `"context.userAgent"`, `"path"`, `"`+n.path+`"`, `"url"`, `"`+n.url+`"`, `"referrer"`, `"`+n.referrer+`"`)
	for i, p := range problems {
		problems[i] = r.Replace(p)
	}
	return problems
}

// appendProblem appends msg to problems unless it is empty.
func appendProblem(problems []string, msg string) []string {
	if msg == "" {
		return problems
	}
	return append(problems, msg)
}

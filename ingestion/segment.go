package ingestion

import (
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

// segmentMessage is one call of Segment's HTTP Tracking API: the raw JSON value of each field read, ""
// when absent. Others (integrations, channel, receivedAt, …) are accepted and ignored. Keys are matched
// exactly, as Segment does; of duplicates the last counts.
type segmentMessage struct {
	typ, userID, anonymousID, messageID, timestamp, originalTimestamp, sentAt string
	event, name, properties, traits, context, groupID, previousID, writeKey   string
}

// readSegmentMessage reads one call, raw, a JSON object; ok is false when raw is not one.
func readSegmentMessage(raw string) (m segmentMessage, ok bool) {
	ok = scanMembers(raw, func(key, value string) {
		if f := m.field(key); f != nil {
			*f = value
		}
	})
	return m, ok
}

// field returns where the value of key goes, nil for a key that is not read.
func (m *segmentMessage) field(key string) *string {
	switch key {
	case "type":
		return &m.typ
	case "userId":
		return &m.userID
	case "anonymousId":
		return &m.anonymousID
	case "messageId":
		return &m.messageID
	case "timestamp":
		return &m.timestamp
	case "originalTimestamp":
		return &m.originalTimestamp
	case "sentAt":
		return &m.sentAt
	case "event":
		return &m.event
	case "name":
		return &m.name
	case "properties":
		return &m.properties
	case "traits":
		return &m.traits
	case "context":
		return &m.context
	case "groupId":
		return &m.groupID
	case "previousId":
		return &m.previousID
	case "writeKey":
		return &m.writeKey
	}
	return nil
}

// segmentCall is what a message becomes besides its type: the site its write key decides, and what a
// batch gives every item that lacks it (its context and sentAt).
type segmentCall struct {
	site     string
	siteJSON string // site as a JSON string
	context  segmentContext
	sentAt   string
	now      time.Time
}

// newSegmentCall returns the call of a request for site received at now.
func newSegmentCall(site string, now time.Time) *segmentCall {
	return &segmentCall{site: site, siteJSON: string(jsonstr.Append(nil, site)), now: now}
}

// toEvent validates message m, of type kind, and converts it to the event published for it, as
// newEvent does for POST /event; problems name Segment's fields. track is an event named by its event
// field; page and screen are page views; identify, group and alias are events of their type, which no
// projection counts as a view. The visitor of an event without userId is its anonymousId's.
func (c *segmentCall) toEvent(kind string, m *segmentMessage) (event.Event, []string) {
	ctx, problems := readContext(m.context)
	ctx.inherit(&c.context)
	anonymousID, msg := stringValue(m.anonymousID, field{name: "anonymousId", max: maxUserID})
	problems = appendProblem(problems, msg)
	if (absent(m.userID) || m.userID == `""`) && anonymousID == "" && msg == "" {
		problems = append(problems, `"userId" or "anonymousId" is required`)
	}

	var raw rawEvent
	raw[fieldSiteID] = c.siteJSON
	raw[fieldUserID], raw[fieldEventID], raw[fieldUserAgent] = m.userID, m.messageID, ctx.userAgent
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
		raw[fieldEventType] = m.event // required: newEvent says so
		return segmentProps(m.properties, "properties", nil)
	case segmentPage:
		raw[fieldEventType] = pageViewJSON
		var page pageProperties
		props, problems := segmentProps(m.properties, "properties", &page)
		page.apply(raw, names)
		return props, problems
	case segmentScreen:
		raw[fieldEventType] = pageViewJSON
		if !absent(m.name) {
			raw[fieldPath], names.path = m.name, "name"
		}
		return segmentProps(m.properties, "properties", nil)
	case segmentIdentify:
		raw[fieldEventType] = `"` + segmentIdentify + `"`
		return segmentProps(m.traits, "traits", nil)
	case segmentGroup:
		raw[fieldEventType] = `"` + segmentGroup + `"`
		return withID(segmentProps(m.traits, "traits", nil))(m.groupID, "groupId")
	default: // alias: the callers know no other kind
		raw[fieldEventType] = `"` + segmentAlias + `"`
		return withID(nil, nil)(m.previousID, "previousId")
	}
}

// pageViewJSON is event.PageView as a JSON string.
const pageViewJSON = `"` + event.PageView + `"`

// withID returns a function adding the required string field name, of raw value raw, to props.
func withID(props map[string]string, problems []string) func(raw, name string) (map[string]string, []string) {
	return func(raw, name string) (map[string]string, []string) {
		id, msg := stringValue(raw, field{name: name, max: maxUserID, required: true})
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

// pageProperties are the raw values of a page call's properties that are the event's own fields.
type pageProperties struct {
	path, url, referrer string
}

// take keeps value when key is one of the page's fields, and reports whether it is.
func (p *pageProperties) take(key, value string) bool {
	switch key {
	case "path":
		p.path = value
	case "url":
		p.url = value
	case "referrer":
		p.referrer = value
	default:
		return false
	}
	return true
}

// apply sets the fields of raw that the page's properties give, over those of its context.
func (p *pageProperties) apply(raw *rawEvent, names *segmentNames) {
	if !absent(p.path) {
		raw[fieldPath], names.path = p.path, "properties.path"
	}
	if !absent(p.url) {
		raw[fieldURL], names.url = p.url, "properties.url"
	}
	if !absent(p.referrer) {
		raw[fieldReferrer], names.referrer = p.referrer, "properties.referrer"
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

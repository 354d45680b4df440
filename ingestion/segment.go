package ingestion

import (
	"fmt"
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
// projection counts as a view, whose traits (with groupId or previousId) are the event's Traits, never
// its Props: props are reported, traits only stored. The visitor of an event without userId is its
// anonymousId's.
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
	values, more := c.properties(kind, m, &raw, &names)
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
	e.Timestamp = ts
	if kind == segmentIdentify || kind == segmentGroup || kind == segmentAlias {
		e.Traits = values
	} else {
		e.Props = values
	}
	if e.UserID == "" {
		e.VisitorID = visitor.FromAnonymous(e.SiteID, anonymousID)
	}
	return e, nil
}

// properties sets the event type of raw by kind, one of the six, and the fields that a page call's
// properties give, and returns the properties of track, page and screen (the event's props), or the
// traits of identify and group with groupId, and previousId of alias (the event's traits), under the
// same limits.
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

// withID returns a function adding the required string field name, of raw value raw, to traits props
// (which it may then not take over maxProps).
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
		if len(props) > maxProps {
			return nil, append(problems, fmt.Sprintf("%q and traits must hold at most %d properties together, got %d", name, maxProps, len(props)))
		}
		return props, problems
	}
}

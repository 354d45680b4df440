package ingestion

import "strings"

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

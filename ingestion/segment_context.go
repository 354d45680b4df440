package ingestion

import "encoding/json"

// segmentContext holds the raw JSON values of the fields of a call's context that an event takes: the
// page's path, url and referrer and the user agent of the end user. context.ip is not read: the
// visitor of a call is its userId's or anonymousId's, and rate limits and bot screening apply to the
// client that sent the request (see README, "Send from Segment or RudderStack SDKs"). context.library
// and the rest are accepted and ignored.
type segmentContext struct {
	path, url, referrer, userAgent string
}

// readContext reads the raw JSON value of a context; null or absent is an empty context.
func readContext(raw string) (segmentContext, []string) {
	if absent(raw) {
		return segmentContext{}, nil
	}
	var c struct {
		Page      json.RawMessage `json:"page"`
		UserAgent json.RawMessage `json:"userAgent"`
	}
	if raw[0] != '{' || json.Unmarshal([]byte(raw), &c) != nil {
		return segmentContext{}, []string{`"context" must be an object`}
	}
	ctx := segmentContext{userAgent: string(c.UserAgent)}
	if absent(string(c.Page)) {
		return ctx, nil
	}
	var page struct {
		Path     json.RawMessage `json:"path"`
		URL      json.RawMessage `json:"url"`
		Referrer json.RawMessage `json:"referrer"`
	}
	if c.Page[0] != '{' || json.Unmarshal(c.Page, &page) != nil {
		return ctx, []string{`"context.page" must be an object`}
	}
	ctx.path, ctx.url, ctx.referrer = string(page.Path), string(page.URL), string(page.Referrer)
	return ctx, nil
}

// inherit fills the fields c lacks from batch, the context of the batch that carried c's call, as
// Segment merges a batch's context into each of its items.
func (c *segmentContext) inherit(batch *segmentContext) {
	for _, f := range [...]struct {
		dst *string
		src string
	}{
		{&c.path, batch.path}, {&c.url, batch.url}, {&c.referrer, batch.referrer}, {&c.userAgent, batch.userAgent},
	} {
		if absent(*f.dst) {
			*f.dst = f.src
		}
	}
}

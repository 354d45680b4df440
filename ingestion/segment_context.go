package ingestion

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
	var ctx segmentContext
	if absent(raw) {
		return ctx, nil
	}
	var page string
	if !scanMembers(raw, func(key, value string) {
		switch key {
		case "page":
			page = value
		case "userAgent":
			ctx.userAgent = value
		}
	}) {
		return segmentContext{}, []string{`"context" must be an object`}
	}
	if absent(page) {
		return ctx, nil
	}
	if !scanMembers(page, func(key, value string) {
		switch key {
		case "path":
			ctx.path = value
		case "url":
			ctx.url = value
		case "referrer":
			ctx.referrer = value
		}
	}) {
		return ctx, []string{`"context.page" must be an object`}
	}
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

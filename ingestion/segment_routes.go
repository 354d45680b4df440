package ingestion

import "github.com/go-chi/chi/v5"

// segmentRoutes adds Segment's HTTP Tracking API: POST /v1/track, /v1/page, /v1/screen, /v1/identify,
// /v1/group, /v1/alias, /v1/batch and /v1/import (an alias of batch), and the one-letter paths that
// analytics-next posts to (/v1/t, /v1/p, /v1/s, /v1/i, /v1/g, /v1/a, and /v1/b for its batches).
func (a *API) segmentRoutes(r chi.Router) {
	for _, kind := range []string{segmentTrack, segmentPage, segmentScreen, segmentIdentify, segmentGroup, segmentAlias} {
		h := a.postSegment(kind)
		r.Post("/v1/"+kind, h)
		r.Post("/v1/"+kind[:1], h)
	}
	for _, path := range []string{"/v1/batch", "/v1/import", "/v1/b"} {
		r.Post(path, a.postSegmentBatch)
	}
}

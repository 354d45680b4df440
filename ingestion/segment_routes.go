package ingestion

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// segmentRoutes adds Segment's HTTP Tracking API: POST /v1/track, /v1/page, /v1/screen, /v1/identify,
// /v1/group, /v1/alias, /v1/batch and /v1/import (an alias of batch), and the one-letter paths that
// analytics-next posts to (/v1/t, /v1/p, /v1/s, /v1/i, /v1/g, /v1/a, and /v1/b for its batches), each
// with its CORS preflight: r is the group of what browsers call (allowBrowsers).
func (a *API) segmentRoutes(r chi.Router) {
	var paths []string
	for _, kind := range []string{segmentTrack, segmentPage, segmentScreen, segmentIdentify, segmentGroup, segmentAlias} {
		h := a.postSegment(kind)
		r.Post("/v1/"+kind, h)
		r.Post("/v1/"+kind[:1], h)
		paths = append(paths, "/v1/"+kind, "/v1/"+kind[:1])
	}
	for _, path := range []string{"/v1/batch", "/v1/import", "/v1/b"} {
		r.Post(path, a.postSegmentBatch)
		paths = append(paths, path)
	}
	for _, path := range paths {
		r.Options(path, segmentPreflight)
	}
}

// segmentPreflight answers the CORS preflight of a Segment endpoint for any origin, as preflight does,
// allowing also the Authorization header that carries analytics-next's write key.
func segmentPreflight(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set(allowOrigin, anyOrigin)
	h.Set("Access-Control-Allow-Methods", http.MethodPost)
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Access-Control-Max-Age", corsMaxAge)
	w.WriteHeader(http.StatusNoContent)
}

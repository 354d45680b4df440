package ingestion

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

// trackerSource is the browser tracker, served as is at GET /js/script.js.
//
//go:embed tracker/script.js
var trackerSource []byte

// trackerCacheControl lets browsers and shared caches keep the script for an hour. The script is the same
// for every site and changes only with a new release, so an hour saves nearly every repeat download while
// bounding how long a page runs an old tracker after an upgrade; once the hour is over the ETag makes the
// check a 304 without a body.
const trackerCacheControl = "public, max-age=3600"

// script is a static JavaScript file with its strong ETag, a digest of its bytes.
type script struct {
	body []byte
	etag string
}

func newScript(body []byte) script {
	sum := sha256.Sum256(body)
	return script{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

// ServeHTTP answers the script, or 304 when If-None-Match names its ETag (http.ServeContent compares
// them, the weak comparison that RFC 9110 prescribes for If-None-Match).
func (s script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", trackerCacheControl)
	h.Set("ETag", s.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(s.body))
}

package ingestion_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// trackerGzipLimit is the size limit for the tracker script once gzipped, in bytes.
const trackerGzipLimit = 2048

// TestTrackerScriptServed: GET /js/script.js answers the embedded tracker as JavaScript, cacheable for an
// hour by anyone, with a strong ETag, and small enough: at most 2 KB once gzipped at the best level.
func TestTrackerScriptServed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := srv.get(t, "/js/script.js")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.Equal(t, "text/javascript; charset=utf-8", r.header.Get("Content-Type"))
	require.Equal(t, "public, max-age=3600", r.header.Get("Cache-Control"))
	etag := r.header.Get("ETag")
	require.Regexp(t, `^"[0-9a-f]{16,}"$`, etag, "a strong ETag: quoted, no W/ prefix")
	require.Contains(t, string(r.body), "window.plausible", "the body is the tracker")

	var gz bytes.Buffer
	w, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(r.body)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	t.Logf("script.js: %d bytes, %d gzipped", len(r.body), gz.Len())
	require.LessOrEqual(t, gz.Len(), trackerGzipLimit, "the tracker gzips to more than 2 KB")

	again := srv.get(t, "/js/script.js")
	require.Equal(t, etag, again.header.Get("ETag"), "the ETag is stable")
}

// TestTrackerScriptRevalidates: a request whose If-None-Match names the current ETag is answered 304
// without a body; a stale or foreign ETag gets the script again.
func TestTrackerScriptRevalidates(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	etag := srv.get(t, "/js/script.js").header.Get("ETag")
	require.NotEmpty(t, etag)
	for _, tt := range []struct {
		name        string
		ifNoneMatch string
		status      int
	}{
		{"current_etag", etag, http.StatusNotModified},
		{"current_etag_among_others", `"0000000000000000", ` + etag, http.StatusNotModified},
		{"weak_form_of_current_etag", "W/" + etag, http.StatusNotModified},
		{"stale_etag", `"0000000000000000"`, http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := doWith(t, http.MethodGet, srv.url+"/js/script.js", http.Header{"If-None-Match": {tt.ifNoneMatch}}, "")
			require.Equal(t, tt.status, r.status)
			require.Equal(t, etag, r.header.Get("ETag"))
			require.Equal(t, "public, max-age=3600", r.header.Get("Cache-Control"))
			if tt.status == http.StatusNotModified {
				require.Empty(t, r.body)
			} else {
				require.True(t, strings.Contains(string(r.body), "window.plausible"))
			}
		})
	}
}

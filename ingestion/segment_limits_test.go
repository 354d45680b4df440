package ingestion_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// trackCall returns a track call of size bytes of JSON (at least its fields' length), padded in
// integrations, which is not read.
func trackCall(id string, size int) string {
	call := `{"type":"track","userId":"u1","event":"Signup","messageId":"` + id + `","integrations":{"pad":""}}`
	return strings.Replace(call, `"pad":""`, `"pad":"`+strings.Repeat("x", max(0, size-len(call)))+`"`, 1)
}

// segmentCalls returns a batch body of calls.
func segmentCalls(calls []string) string {
	return `{"batch":[` + strings.Join(calls, ",") + `]}`
}

// Segment's limits: 32 KB per call (413 for a single call, the item's error in a batch), 500 KB per
// batch (413), 2,500 calls per batch (400); a batch at the limits is taken whole.
func TestSegmentLimits(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)

	requireSuccess(t, s.postSegment(t, "/v1/track", trackCall("fits", 32<<10)))
	requireError(t, s.postSegment(t, "/v1/track", trackCall("over", 32<<10+1)), http.StatusRequestEntityTooLarge, "request body is larger than 32768 bytes")

	r := s.postSegment(t, "/v1/batch", segmentCalls([]string{trackCall("big", 32<<10+1), trackCall("small", 0)}))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	answer := decodeBatch(t, r)
	require.Equal(t, 1, answer.Accepted)
	require.Equal(t, []string{fmt.Sprintf("a call must be at most 32768 bytes of JSON, got %d", 32<<10+1)}, answer.Results[0].Error)

	calls := make([]string, 2500)
	for i := range calls {
		calls[i] = trackCall(fmt.Sprint("c", i), 0)
	}
	r = s.postSegment(t, "/v1/batch", segmentCalls(calls))
	require.Equal(t, http.StatusOK, r.status, "body: %.300s", r.body)
	require.Equal(t, 2500, decodeBatch(t, r).Accepted)
	requireError(t, s.postSegment(t, "/v1/batch", segmentCalls(append(calls, trackCall("one-more", 0)))),
		http.StatusBadRequest, `"batch" must hold between 1 and 2500 calls, got 2501`)
	requireError(t, s.postSegment(t, "/v1/batch", `{"batch":[]}`), http.StatusBadRequest, `"batch" must hold between 1 and 2500 calls, got 0`)

	big := make([]string, 17)
	for i := range big {
		big[i] = trackCall(fmt.Sprint("b", i), 30<<10)
	}
	requireError(t, s.postSegment(t, "/v1/batch", segmentCalls(big)), http.StatusRequestEntityTooLarge, "request body is larger than 512000 bytes")
	require.Len(t, s.allStreamEvents(t), 1+1+2500)
}

// Bodies compressed with gzip are read as what they decompress to, under the same limits, whatever
// their content type (RudderStack's SDK sends application/x-www-form-urlencoded); another encoding is
// answered 415 and a body that is not gzip 400.
func TestSegmentGzip(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, false)
	post := func(path, contentType, encoding, body string) response {
		header := http.Header{"Authorization": {basicAuth(s.key)}, "Content-Type": {contentType}, "Content-Encoding": {encoding}}
		return doWith(t, http.MethodPost, s.url+path, header, body)
	}
	requireSuccess(t, post("/v1/track", "application/json", "gzip", gzipped(t, trackCall("z1", 0))))
	r := post("/v1/batch", "application/x-www-form-urlencoded", "gzip", gzipped(t, segmentCalls([]string{trackCall("z2", 0), trackCall("z3", 0)})))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.Equal(t, 2, decodeBatch(t, r).Accepted)

	bomb := gzipped(t, trackCall("bomb", 1<<20))
	require.Less(t, len(bomb), 32<<10, "small on the wire")
	requireError(t, post("/v1/track", "application/json", "gzip", bomb), http.StatusRequestEntityTooLarge, "request body is larger than 32768 bytes")
	requireError(t, post("/v1/track", "application/json", "br", trackCall("br", 0)), http.StatusUnsupportedMediaType, `content encoding "br" is not supported: send gzip or none`)
	r = post("/v1/track", "application/json", "gzip", trackCall("plain", 0))
	require.Equal(t, http.StatusBadRequest, r.status)
	require.Contains(t, errorMessages(t, r)[0], "malformed gzip body")
	require.Len(t, s.allStreamEvents(t), 3)
}

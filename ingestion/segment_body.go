package ingestion

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Segment's limits: 32 KB per call, 500 KB per batch request, 2,500 calls per batch. They bound the
// JSON once decompressed.
const (
	maxSegmentCall  = 32 << 10
	maxSegmentBatch = 500 << 10
	maxSegmentCalls = 2500
)

// readSegmentBody reads a body of the Tracking API: JSON of at most limit bytes once decompressed,
// whatever its content type (RudderStack's SDK sends its gzip bodies as
// application/x-www-form-urlencoded, analytics-next sends text/plain), with Content-Encoding gzip or
// none. A larger body is refused with 413, another encoding with 415.
func (a *API) readSegmentBody(w http.ResponseWriter, r *http.Request, limit int64, buf *[]byte) ([]byte, error) {
	enc := strings.TrimSpace(r.Header.Get("Content-Encoding"))
	if enc == "" || strings.EqualFold(enc, "identity") {
		return readLimited(w, r, limit, buf)
	}
	if !strings.EqualFold(enc, "gzip") {
		return nil, &errBody{http.StatusUnsupportedMediaType, fmt.Sprintf("content encoding %q is not supported: send gzip or none", enc)}
	}
	compressed := a.buffers.get()
	defer a.buffers.put(compressed)
	zipped, err := readLimited(w, r, limit, compressed)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		return nil, &errBody{http.StatusBadRequest, "malformed gzip body: " + err.Error()}
	}
	body, err := readAll(io.LimitReader(zr, limit+1), (*buf)[:0])
	*buf = body
	switch {
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return nil, &errBody{http.StatusBadRequest, "malformed gzip body: " + err.Error()}
	case err != nil:
		return nil, &errBody{http.StatusBadRequest, "malformed gzip body: truncated"}
	case int64(len(body)) > limit:
		return nil, tooLarge(limit)
	case len(body) == 0:
		return nil, &errBody{http.StatusBadRequest, "request body is empty"}
	}
	return body, nil
}

package ingestion

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
)

// Body size limits.
const (
	maxEventBody = 64 << 10
	maxBatchBody = 512 << 10
)

// maxPooledBuffer is the largest buffer kept for reuse; larger ones are left to the garbage collector.
const maxPooledBuffer = 64 << 10

// errBody carries the status and message for a request body that cannot be read as JSON.
type errBody struct {
	status  int
	message string
}

func (e *errBody) Error() string { return e.message }

// buffers recycles the buffers request bodies are read into and responses are written from.
type buffers struct {
	pool sync.Pool
}

func (b *buffers) get() *[]byte {
	if buf, ok := b.pool.Get().(*[]byte); ok {
		return buf
	}
	buf := make([]byte, 0, 1024)
	return &buf
}

func (b *buffers) put(buf *[]byte) {
	if cap(*buf) <= maxPooledBuffer {
		*buf = (*buf)[:0]
		b.pool.Put(buf)
	}
}

// readBody checks the content type and reads at most limit bytes of the request body into buf.
// JSON, text/plain (what navigator.sendBeacon sends) and a missing content type are accepted.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, buf *[]byte) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != "application/json" {
		mediaType, _, err := mime.ParseMediaType(ct)
		if err != nil || !acceptedMediaType(mediaType) {
			return nil, &errBody{http.StatusUnsupportedMediaType, fmt.Sprintf("content type %q is not supported: send application/json", ct)}
		}
	}
	return readLimited(w, r, limit, buf)
}

// readLimited reads at most limit bytes of the request body into buf, whatever its content type.
func readLimited(w http.ResponseWriter, r *http.Request, limit int64, buf *[]byte) ([]byte, error) {
	// A body declared larger than the limit is refused before a byte of it is read: waiting for it would
	// hold the connection until the server's read timeout. A body of known length within the limit cannot
	// outgrow it: net/http reads no further.
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	var reader io.Reader = r.Body
	if n := r.ContentLength; n < 0 {
		reader = http.MaxBytesReader(w, r.Body, limit)
	} else if int(n) >= cap(*buf) {
		*buf = make([]byte, 0, n+1)
	}
	body, err := readAll(reader, *buf)
	*buf = body
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &maxBytes):
		return nil, tooLarge(limit)
	case err != nil:
		return nil, &errBody{http.StatusBadRequest, "cannot read request body: " + err.Error()}
	case len(body) == 0:
		return nil, &errBody{http.StatusBadRequest, "request body is empty"}
	}
	return body, nil
}

func tooLarge(limit int64) *errBody {
	return &errBody{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", limit)}
}

// readAll is io.ReadAll appending to b.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func acceptedMediaType(t string) bool {
	switch t {
	case "application/json", "text/plain":
		return true
	}
	return strings.HasPrefix(t, "application/") && strings.HasSuffix(t, "+json")
}

package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
)

// RequestIDHeader carries a request's id, from the client or in an answer.
const RequestIDHeader = "X-Request-Id"

// maxRequestID is the longest client id kept. The header may be as large as the server's header limit
// (1 MiB), and an id goes into log lines and a message's metadata.
const maxRequestID = 200

type requestIDKey struct{}

// SaneRequestID reports whether a client's id can be used as is: 1 to 200 printable ASCII characters,
// nothing a log line or a message's metadata could be hurt by.
func SaneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// RequestID returns r's id: the one Log gave it, or else the client's X-Request-Id when it is sane, or
// else "". It makes none: only Log and LogError do.
func RequestID(r *http.Request) string {
	if id, ok := r.Context().Value(requestIDKey{}).(string); ok {
		return id
	}
	if id := r.Header.Get(RequestIDHeader); SaneRequestID(id) {
		return id
	}
	return ""
}

// withRequestID returns r carrying id for RequestID.
func withRequestID(r *http.Request, id string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
}

// requestIDPrefix is host/random, made once per process as chi's RequestID middleware makes it.
var requestIDPrefix = sync.OnceValue(func() string {
	host, err := os.Hostname()
	if host == "" || err != nil {
		host = "localhost"
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return host + "/" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])[:10]
})

var requestIDCounter atomic.Uint64

// NewRequestID returns a new id, host/random-counter, unique within the process and very likely
// across processes.
func NewRequestID() string {
	return fmt.Sprintf("%s-%06d", requestIDPrefix(), requestIDCounter.Add(1))
}

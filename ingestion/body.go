package ingestion

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Body size limits.
const (
	maxEventBody = 64 << 10
	maxBatchBody = 512 << 10
)

// errBody carries the status and message for a request body that cannot be read as JSON.
type errBody struct {
	status  int
	message string
}

func (e *errBody) Error() string { return e.message }

// readBody checks the content type and reads at most limit bytes of the request body.
// JSON, text/plain (what navigator.sendBeacon sends) and a missing content type are accepted.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mediaType, _, err := mime.ParseMediaType(ct)
		if err != nil || !acceptedMediaType(mediaType) {
			return nil, &errBody{http.StatusUnsupportedMediaType, fmt.Sprintf("content type %q is not supported: send application/json", ct)}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, &errBody{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", limit)}
	case err != nil:
		return nil, &errBody{http.StatusBadRequest, "cannot read request body: " + err.Error()}
	case len(body) == 0:
		return nil, &errBody{http.StatusBadRequest, "request body is empty"}
	}
	return body, nil
}

func acceptedMediaType(t string) bool {
	switch t {
	case "application/json", "text/plain":
		return true
	}
	return strings.HasPrefix(t, "application/") && strings.HasSuffix(t, "+json")
}

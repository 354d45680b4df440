package httpapi

import "net/http"

// Recorder wraps a ResponseWriter and notes the status and the body bytes of the answer, for the
// middleware that log and count requests.
type Recorder struct {
	http.ResponseWriter
	status int
	// Bytes is how many body bytes were written.
	Bytes int64
}

// WriteHeader records the first final status (informational 1xx answers precede it) and sends it.
func (r *Recorder) WriteHeader(status int) {
	if r.status == 0 && status >= http.StatusOK {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

// Write sends body bytes; without a status written first, that status is 200.
func (r *Recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.Bytes += int64(n)
	return n, err
}

// Status is the status the client got: 200 when the handler wrote nothing.
func (r *Recorder) Status() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *Recorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter
}

package openapitest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// T is what Handler needs of a test: *testing.T and *testing.B have it.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Handler returns h checking each exchange against service's document: a request that does not match
// must be refused with a 4xx, and every answer must match. A mismatch fails t, naming the request.
// The handler sees the request and writes its answer as it would unwrapped. An exchange is checked
// after its answer has been written, beside the next requests, so that checking (about 1 ms, 5 ms with
// -race) does not slow a test's requests down; t's cleanup waits for the checks, so register it before
// the server's own cleanup (httptest.NewServer(Handler(t, …)) then t.Cleanup(srv.Close) does).
func Handler(t T, s openapi.Service, h http.Handler) http.Handler {
	t.Helper()
	v, err := validators[s]()
	if err != nil {
		t.Errorf("openapitest: %v", err)
		return h
	}
	var checks sync.WaitGroup
	t.Cleanup(checks.Wait)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in := &recordedBody{ReadCloser: r.Body}
		r.Body = in
		out := &recordedResponse{ResponseWriter: w}
		h.ServeHTTP(out, r)
		if out.status == 0 {
			out.status = http.StatusOK
		}
		req, header := r.Clone(context.Background()), w.Header().Clone()
		checks.Go(func() {
			if err := v.check(req, in.read.Bytes(), out.status, header, out.body.Bytes()); err != nil {
				t.Errorf("openapi document of %s: %s %.200s: %v", s, req.Method, req.URL.RequestURI(), err)
			}
		})
	})
}

// Exchange checks one exchange made with a service served some other way than through Handler (as its
// main serves it, say): req, sent with reqBody, answered status with header and body. A mismatch fails
// t as Handler's do.
func Exchange(t T, s openapi.Service, req *http.Request, reqBody []byte, status int, header http.Header, body []byte) {
	t.Helper()
	v, err := validators[s]()
	if err == nil {
		err = v.check(req, reqBody, status, header, body)
	}
	if err != nil {
		t.Errorf("openapi document of %s: %s %.200s: %v", s, req.Method, req.URL.RequestURI(), err)
	}
}

// recordedBody keeps what the handler reads of a request body.
type recordedBody struct {
	io.ReadCloser
	read bytes.Buffer
}

func (b *recordedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read.Write(p[:n])
	return n, err
}

// recordedResponse keeps the status and body of an answer while writing it through.
type recordedResponse struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recordedResponse) WriteHeader(status int) {
	if w.status == 0 && status >= http.StatusOK {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordedResponse) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *recordedResponse) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

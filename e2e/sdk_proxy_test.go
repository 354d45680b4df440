package e2e_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// sdkProxy is a reverse proxy between an SDK and ingestion that keeps what it saw: the messageId of every
// event of every request (gzip bodies unpacked), and each request's method and path. With failFirst > 0
// it injects a fault into the first failFirst requests that carry events: it forwards them to ingestion,
// which takes their events, and answers the SDK 503 instead of ingestion's answer, as when an answer is
// lost on the way back; the SDK's retry then brings ingestion the same messageIds again.
type sdkProxy struct {
	URL string

	mu        sync.Mutex
	failFirst int
	requests  []string        // "POST /v1/batch 503" per request, in order of their answers
	seen      map[string]int  // messageId: how many requests carried it
	delivered map[string]bool // messageIds of requests answered 2xx
}

// startSDKProxy serves a proxy to target until the test ends.
func startSDKProxy(t *testing.T, target string, failFirst int) *sdkProxy {
	t.Helper()
	to, err := url.Parse(target)
	require.NoError(t, err)
	p := &sdkProxy{failFirst: failFirst, seen: map[string]int{}, delivered: map[string]bool{}}
	forward := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(to) }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ids := messageIDs(r.Header.Get("Content-Encoding"), body)
		if !p.fault(ids) {
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			forward.ServeHTTP(rec, r)
			p.record(r, ids, rec.status)
			return
		}
		lost := httptest.NewRecorder()
		forward.ServeHTTP(lost, r)
		p.record(r, ids, http.StatusServiceUnavailable)
		t.Logf("proxy: ingestion answered %d to %s %s; the SDK is told 503", lost.Code, r.Method, r.URL.Path)
		http.Error(w, "injected fault", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// fault reports whether the request carrying ids is to be answered 503, counting it if so.
func (p *sdkProxy) fault(ids []string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(ids) == 0 || p.failFirst == 0 {
		return false
	}
	p.failFirst--
	return true
}

func (p *sdkProxy) record(r *http.Request, ids []string, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = append(p.requests, r.Method+" "+r.URL.Path+" "+strconv.Itoa(status))
	for _, id := range ids {
		p.seen[id]++
		if status >= 200 && status < 300 {
			p.delivered[id] = true
		}
	}
}

// Delivered reports whether a request that carried each of ids was answered 2xx.
func (p *sdkProxy) Delivered(ids ...string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range ids {
		if !p.delivered[id] {
			return false
		}
	}
	return true
}

// Seen returns how many requests carried each messageId.
func (p *sdkProxy) Seen() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.seen))
	for id, n := range p.seen {
		out[id] = n
	}
	return out
}

// Requests returns the requests seen, each as "METHOD PATH STATUS" (the status the SDK was answered).
func (p *sdkProxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// messageIDs returns the messageIds of a Segment body: a batch's items' or a single call's. A body that
// is not such JSON (a CORS preflight has none) has none.
func messageIDs(encoding string, body []byte) []string {
	if encoding == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil
		}
		if body, err = io.ReadAll(zr); err != nil {
			return nil
		}
	}
	type call struct {
		MessageID string `json:"messageId"`
	}
	var payload struct {
		call
		Batch []call `json:"batch"`
	}
	if json.Unmarshal(body, &payload) != nil {
		return nil
	}
	var ids []string
	for _, c := range append(payload.Batch, payload.call) {
		if c.MessageID != "" {
			ids = append(ids, c.MessageID)
		}
	}
	return ids
}

// statusRecorder passes a response through and keeps its status.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

package openapitest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
)

// failures records what Handler reports instead of failing the test.
type failures struct {
	mu       sync.Mutex
	messages []string
	cleanups []func()
}

func (f *failures) Helper() {}

func (f *failures) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages = append(f.messages, fmt.Sprintf(format, args...))
}

func (f *failures) Cleanup(fn func()) {
	f.cleanups = append(f.cleanups, fn)
}

// done runs the cleanups, as a test's end does, and returns the failures.
func (f *failures) done() []string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.messages
}

// answer returns a handler that drains the request body and answers status with header and body.
func answer(status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

const validEvent = `{"site_id":"s","event_type":"page_view","path":"/a"}`

// TestHandlerChecksExchanges serves stand-in handlers that answer as the services do, or not, through
// Handler, and checks that Handler reports exactly the exchanges that do not match the document.
func TestHandlerChecksExchanges(t *testing.T) {
	t.Parallel()
	accepted := `{"success":true,"queued_id":"1-0","event_id":"e"}` + "\n"
	seedError := `{"error":["\"site_id\" is required"]}`
	cases := []struct {
		name, method, path, contentType, body string
		handler                               http.Handler
		want                                  string // part of the failure, "" for none
	}{
		{"accepted_event", "POST", "/event", "application/json", validEvent, answer(200, nil, accepted), ""},
		{"event_without_content_type", "POST", "/event", "", validEvent, answer(200, nil, accepted), ""},
		{"event_as_text_plain", "POST", "/event", "text/plain;charset=UTF-8", validEvent, answer(200, nil, accepted), ""},
		{"lower_case_timestamp", "POST", "/event", "application/json", `{"site_id":"s","event_type":"x","path":"/","timestamp":"2025-11-12t19:30:01.5z"}`, answer(200, nil, accepted), ""},
		{"timestamp_without_offset", "POST", "/event", "application/json", `{"site_id":"s","event_type":"x","path":"/","timestamp":"2025-11-12T19:30:01"}`, answer(200, nil, accepted), "refuses the request"},
		{"invalid_event_refused", "POST", "/event", "application/json", `{"event_type":"x"}`, answer(400, nil, seedError), ""},
		{"invalid_event_accepted", "POST", "/event", "application/json", `{"event_type":"x"}`, answer(200, nil, accepted), "refuses the request, yet it was answered 200"},
		{"wrong_type_accepted", "POST", "/event", "application/json", `{"site_id":"s","event_type":"x","path":"/","user_id":7}`, answer(200, nil, accepted), "refuses the request"},
		{"answer_with_unknown_field", "POST", "/event", "application/json", validEvent, answer(200, nil, `{"success":true,"queued_id":"1-0","event_id":"e","extra":1}`), "does not match"},
		{"error_as_plain_string", "POST", "/event", "application/json", `{}`, answer(400, nil, `{"error":"no"}`), "does not match"},
		{"undocumented_status", "POST", "/event", "application/json", validEvent, answer(202, nil, accepted), "does not match"},
		{"rate_limited_without_retry_after", "POST", "/event", "application/json", validEvent, answer(429, nil, seedError), "Retry-After"},
		{"rate_limited_with_retry_after", "POST", "/event", "application/json", validEvent, answer(429, map[string]string{"Retry-After": "3"}, seedError), ""},
		{"unknown_route_not_found", "GET", "/nothing", "", "", answer(404, nil, `{"error":["no route for GET /nothing"]}`), ""},
		{"unknown_route_answered", "GET", "/nothing", "", "", answer(200, nil, `{}`), "yet it was answered 200, not 404"},
		{"wrong_method_not_allowed", "GET", "/event", "", "", answer(405, nil, `{"error":["method GET not allowed on /event"]}`), ""},
		{"not_found_in_another_shape", "GET", "/nothing", "", "", answer(404, nil, `{"message":"no"}`), "seed's error shape"},
		{"health", "GET", "/health", "", "", answer(200, nil, `{"status":"ok"}`), ""},
		{"health_with_more", "GET", "/health", "", "", answer(200, nil, `{"status":"ok","uptime":1}`), "does not match"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var f failures
			srv := httptest.NewServer(openapitest.Handler(&f, openapi.Ingestion, c.handler))
			defer srv.Close()
			req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			require.NoError(t, err)
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			srv.Close()
			messages := f.done()
			t.Log(messages)
			if c.want == "" {
				require.Empty(t, messages)
				return
			}
			require.Len(t, messages, 1)
			require.Contains(t, messages[0], c.want)
		})
	}
}

// TestExchangeChecksAnswer checks an exchange given in parts, as a test of a service served by its main
// makes it: a 429 must carry Retry-After.
func TestExchangeChecksAnswer(t *testing.T) {
	t.Parallel()
	body := `{"error":["rate limit exceeded"]}`
	for name, c := range map[string]struct {
		header http.Header
		fails  bool
	}{
		"with_retry_after":    {http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Retry-After": {"2"}}, false},
		"without_retry_after": {http.Header{"Content-Type": {"application/json; charset=utf-8"}}, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var f failures
			req := httptest.NewRequest(http.MethodPost, "/event", strings.NewReader(validEvent))
			req.Header.Set("Content-Type", "application/json")
			openapitest.Exchange(&f, openapi.Ingestion, req, []byte(validEvent), http.StatusTooManyRequests, c.header, []byte(body))
			messages := f.done()
			require.Equal(t, c.fails, len(messages) == 1, "%q", messages)
		})
	}
}

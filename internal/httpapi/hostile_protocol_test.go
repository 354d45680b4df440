package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The servers' timeouts (httpapi.Serve) bound how long the slow cases take; the client's deadlines sit
// well past them, so only a server that never times out fails them.
const (
	slowHeadersDeadline = 12 * time.Second // ReadHeaderTimeout is 5 s
	slowBodyDeadline    = 25 * time.Second // ReadTimeout is 15 s
	deadline            = 10 * time.Second
)

// overLimit is more header bytes than net/http's MaxHeaderBytes (1 MiB) takes.
var overLimit = strings.Repeat("a", 1<<20+64<<10)

// service is one HTTP service under attack: its address and one request for each of its routes.
type service struct {
	name   string
	addr   string
	routes []string // raw requests
	posts  []string // targets of the routes that read a body
}

func services(s stack) []service {
	event := validEvent("protocol")
	return []service{
		{name: "ingestion", addr: s.ingestion, posts: []string{"/event", "/events"}, routes: []string{
			request("POST", "/event", event), request("POST", "/events", "["+event+"]"),
			request("GET", "/health", ""), request("GET", "/ready", ""), request("GET", "/unknown", ""),
		}},
		{name: "reporting", addr: s.reporting, routes: []string{
			request("GET", "/stats?site_id=protocol&date=2025-11-12", ""),
			request("GET", "/health", ""), request("GET", "/ready", ""), request("GET", "/unknown", ""),
		}},
	}
}

// protocolCases attack HTTP itself: timeouts, sizes, versions and pipelining, on every route.
func protocolCases(svc service) map[string]func(t *testing.T) {
	addr := svc.addr
	cases := map[string]func(t *testing.T){
		"slow_headers": func(t *testing.T) {
			a, err := trickle(addr, "GET /health HTTP/1.1\r\nHost: test\r\n", "X-Slow: 1\r\n", 200*time.Millisecond, 1, slowHeadersDeadline)
			require.NoError(t, err)
			require.True(t, a.closed, "the server closes a connection whose headers never end")
			require.Empty(t, a.responses)
		},
		"oversized_headers": func(t *testing.T) {
			a, err := exchange(addr, request("GET", "/health", "", "X-Big: "+overLimit), 1, deadline)
			requireRefused(t, a, err, true)
		},
		"oversized_url": func(t *testing.T) {
			a, err := exchange(addr, request("GET", "/health?x="+overLimit, ""), 1, deadline)
			requireRefused(t, a, err, true)
		},
		"long_unknown_url": func(t *testing.T) {
			a, err := exchange(addr, request("GET", "/"+strings.Repeat("%3Cscript%3E", 60_000), ""), 1, deadline)
			requireRefused(t, a, err, false)
		},
		"malformed_request_line": func(t *testing.T) {
			a, err := exchange(addr, "GET /%zz HTTP/1.1\r\nHost: test\r\n\r\n", 1, deadline)
			requireRefused(t, a, err, true)
		},
		"not_http": func(t *testing.T) {
			a, err := exchange(addr, "\x00\x01\x02 '; DROP TABLE events; --\r\n\r\n", 1, deadline)
			requireRefused(t, a, err, true)
		},
		"unknown_method": func(t *testing.T) {
			a, err := exchange(addr, request("DELETE", "/health", ""), 1, deadline)
			requireRefused(t, a, err, false)
		},
		"forged_log_line_in_request_id": func(t *testing.T) {
			forged := `x","level":"ERROR","msg":"forged`
			a, err := exchange(addr, request("GET", "/health", "", "X-Request-Id: "+forged), 1, deadline)
			requireAnswered(t, a, err, 1)
			require.Equal(t, forged, a.responses[0].header.Get("X-Request-Id"), "a sane id is kept, and escaped where it is logged")
		},
		"control_bytes_in_request_id": func(t *testing.T) {
			a, err := exchange(addr, request("GET", "/health", "", "X-Request-Id: \x1b[31m\x08\x7f"), 1, deadline)
			require.NoError(t, err)
			require.Len(t, a.responses, 1)
			if a.responses[0].status == 200 {
				require.Regexp(t, `^.+/.{10}-\d{6,}$`, a.responses[0].header.Get("X-Request-Id"), "an id with control bytes is replaced")
				return
			}
			requireRefused(t, a, err, true)
		},
		"pipelined": func(t *testing.T) {
			raw := strings.Join(svc.routes, "") + request("GET", "/<script>", "")
			a, err := exchange(addr, raw, len(svc.routes)+1, deadline)
			requireAnswered(t, a, err, len(svc.routes)+1)
			require.Equal(t, 404, a.responses[len(svc.routes)].status)
		},
	}
	for i, route := range svc.routes {
		method, target, _ := strings.Cut(strings.SplitN(route, "\r\n", 2)[0], " ")
		target = strings.TrimSuffix(target, " HTTP/1.1")
		name := strings.ToLower(method) + "_" + strings.Trim(strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(target), "_")
		cases[name+"_http10"] = func(t *testing.T) {
			a, err := exchange(addr, strings.Replace(svc.routes[i], "HTTP/1.1", "HTTP/1.0", 1), 1, deadline)
			requireAnswered(t, a, err, 1)
			require.True(t, a.closed, "an HTTP/1.0 answer without keep-alive closes the connection")
		}
		cases[name+"_thousands_of_query_parameters"] = func(t *testing.T) {
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			params := sep + strings.Repeat("a=%27%3B+DROP+TABLE+events%3B--&", 20_000)
			a, err := exchange(addr, strings.Replace(svc.routes[i], target, target+params, 1), 1, deadline)
			requireAnswered(t, a, err, 1)
		}
	}
	for _, target := range svc.posts {
		cases["slow_body"+strings.ReplaceAll(target, "/", "_")] = func(t *testing.T) {
			head := "POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
			a, err := trickle(addr, head, " ", 200*time.Millisecond, 1, slowBodyDeadline)
			requireRefused(t, a, err, false)
		}
	}
	return cases
}

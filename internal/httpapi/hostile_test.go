package httpapi_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Secrets the battery sends where a log must never show them.
const (
	querySecret = "query-secret-4f1c"
	bodySecret  = "body-secret-9e2a"
)

// TestHostileInput attacks every route of ingestion and reporting, served as in production, and checks
// that every answer is a 4xx with a JSON body or a closed connection, that injected strings are stored as
// data, that every log line is JSON without raw control characters or secrets, and that the servers'
// goroutines and heap come back afterwards. It runs alone (no t.Parallel) so that the goroutine count
// is the stack's own.
func TestHostileInput(t *testing.T) {
	s := startStack(t)
	schema := tables(t, s)
	warmUp(t, s)
	goroutines, heap := settledGoroutines(0), heapInUse()

	t.Run("battery", func(t *testing.T) {
		cases := map[string]func(t *testing.T){}
		for _, svc := range services(s) {
			for name, run := range protocolCases(svc) {
				cases[svc.name+"_"+name] = run
			}
		}
		for name, run := range bodyCases(s.ingestion) {
			cases["ingestion_"+name] = run
		}
		for name, run := range queryCases(s.reporting) {
			cases["reporting_"+name] = run
		}
		for name, run := range cases {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				run(t)
			})
		}
		t.Run("injections_stored_as_data", func(t *testing.T) {
			t.Parallel()
			requireStoredExactly(t, s, postInjections(t, s))
			requireStatsOfInjectedSites(t, s)
		})
	})

	require.Equal(t, schema, tables(t, s), "the schema is intact")
	after := settledGoroutines(goroutines + 10)
	require.LessOrEqual(t, after, goroutines+10, "goroutines before the battery: %d, after: %d\n%s", goroutines, after, stacks())
	require.Less(t, heapInUse(), heap+32<<20, "the heap grew by more than 32 MiB")
	requireCleanLogs(t, s.logs)
}

// warmUp sends each kind of request once, so that pools and caches that are meant to stay are there
// before the goroutines are counted; a secret in a query string and in a body goes along, for the logs.
func warmUp(t *testing.T, s stack) {
	t.Helper()
	a, err := exchange(s.ingestion, request("POST", "/event?api_key="+querySecret, validEvent(bodySecret)), 1, deadline)
	requireAnswered(t, a, err, 1)
	a, err = exchange(s.ingestion, request("POST", "/events", "["+validEvent(bodySecret)+"]"), 1, deadline)
	requireAnswered(t, a, err, 1)
	a, err = exchange(s.reporting, request("GET", "/stats?site_id=warm&date=2025-11-12&token="+querySecret, ""), 1, deadline)
	requireAnswered(t, a, err, 1)
}

// settledGoroutines waits up to ten seconds for the goroutine count to fall to at most bound, and returns
// it; with bound 0 it waits for the count to stop falling.
func settledGoroutines(bound int) int {
	n := runtime.NumGoroutine()
	for range 100 {
		time.Sleep(100 * time.Millisecond)
		m := runtime.NumGoroutine()
		if (bound > 0 && m <= bound) || (bound == 0 && m >= n) {
			return m
		}
		n = m
	}
	return n
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// requireCleanLogs checks every log line: JSON, no raw control characters, no secret from a query
// string or a body, no client address in a request's line.
func requireCleanLogs(t *testing.T, logs *logBuffer) {
	t.Helper()
	require.NotContains(t, logs.String(), querySecret)
	require.NotContains(t, logs.String(), bodySecret)
	requests := map[any]int{}
	for _, line := range logs.lines(t) {
		if _, ok := line["request_id"]; !ok {
			continue
		}
		if line["msg"] == "request" {
			requests[line["service"]]++
			for _, k := range []string{"method", "route", "status", "bytes", "duration"} {
				require.Contains(t, line, k, "a request's line: %v", line)
			}
		}
		for k, v := range line {
			s, _ := v.(string)
			require.NotContains(t, s, "127.0.0.1", "a request's log line carries the client's address in %q", k)
		}
	}
	require.NotZero(t, requests["ingestion"], "ingestion logs one line per request at debug level")
	require.NotZero(t, requests["reporting"], "reporting logs one line per request at debug level")
}

package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// eventFields are the string fields of an event, each attacked in turn.
var eventFields = []string{"site_id", "event_type", "path", "user_id", "event_id", "timestamp"}

// withField returns a valid event of site marker with field set to raw, a JSON value written as is.
func withField(marker, field, raw string) string {
	values := map[string]string{
		"site_id": `"` + marker + `"`, "event_type": `"page_view"`, "path": `"/hostile"`,
		"user_id": `"user-1"`, "timestamp": `"2025-11-12T10:00:00Z"`,
	}
	values[field] = raw
	var b strings.Builder
	b.WriteString("{")
	for i, f := range eventFields {
		if v, ok := values[f]; ok {
			if b.Len() > 1 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%s", eventFields[i], v)
		}
	}
	b.WriteString("}")
	return b.String()
}

// validEvent is a page view of site marker on 2025-11-12.
func validEvent(marker string) string {
	return withField(marker, "event_id", "null")
}

// bodyCases attack ingestion's JSON bodies: each must be refused with a JSON 4xx.
func bodyCases(addr string) map[string]func(t *testing.T) {
	bodies := map[string]struct{ event, batch string }{
		"nested_arrays":     {strings.Repeat("[", 60_000), strings.Repeat("[", 100_000)},
		"nested_objects":    {strings.Repeat(`{"a":`, 10_000), "[" + strings.Repeat(`{"a":`, 80_000)},
		"huge_string_field": {withField("huge", "path", `"/`+strings.Repeat("a", 1<<20)+`"`), "[" + withField("huge", "path", `"/`+strings.Repeat("a", 1<<20)+`"`) + "]"},
		"huge_batch":        {strings.Repeat(" ", 1<<20) + validEvent("huge"), "[" + strings.Repeat(validEvent("huge")+",", 20_000) + validEvent("huge") + "]"},
		"raw_control_chars": {withField("ctl", "path", "\"/\x01\x1b[31m\n\""), "[" + withField("ctl", "path", "\"/\x01\x1b[31m\n\"") + "]"},
		"not_json":          {"<html><script>alert(1)</script>", "'; DROP TABLE events; --"},
		"trailing_garbage":  {validEvent("garbage") + "<script>", "[" + validEvent("garbage") + "]x"},
	}
	for _, f := range eventFields {
		for name, raw := range map[string]string{
			"invalid_utf8": "\"\xff\xfe\xc3\x28\"",
			"nul_byte":     "\"a\x00b\"",
			"nul_escape":   `"a\u0000b"`,
			"number":       `123e999999`,
			"object":       `{"$gt":""}`,
		} {
			ev := withField("field", f, raw)
			bodies[f+"_"+name] = struct{ event, batch string }{ev, "[" + ev + "]"}
		}
	}
	cases := map[string]func(t *testing.T){}
	for name, b := range bodies {
		cases["event_"+name] = func(t *testing.T) {
			a, err := exchange(addr, request("POST", "/event", b.event), 1, deadline)
			requireRefused(t, a, err, false)
		}
		cases["events_"+name] = func(t *testing.T) {
			a, err := exchange(addr, request("POST", "/events", b.batch), 1, deadline)
			requireRefused(t, a, err, false)
		}
	}
	cases["event_huge_chunked"] = func(t *testing.T) {
		chunk := fmt.Sprintf("%x\r\n%s\r\n", 64<<10, strings.Repeat("[", 64<<10))
		head := "POST /event HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
		a, err := exchange(addr, head+strings.Repeat(chunk, 32)+"0\r\n\r\n", 1, deadline)
		requireRefused(t, a, err, false)
	}
	for _, target := range []string{"/event", "/events"} {
		name := strings.TrimPrefix(target, "/")
		cases[name+"_declared_length_over_limit"] = func(t *testing.T) {
			head := "POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n"
			a, err := exchange(addr, head, 1, deadline)
			requireRefused(t, a, err, false)
		}
		cases[name+"_expect_continue_over_limit"] = func(t *testing.T) {
			head := "POST " + target + " HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 10000000\r\n\r\n"
			a, err := exchange(addr, head, 1, deadline)
			requireRefused(t, a, err, false)
		}
		// The one 5xx: net/http answers a transfer coding it does not know with 501 and closes, before any
		// handler runs, as RFC 9112 section 6.1 asks of a server.
		cases[name+"_unsupported_transfer_encoding"] = func(t *testing.T) {
			head := "POST " + target + " HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
			a, err := exchange(addr, head, 1, deadline)
			require.NoError(t, err)
			require.True(t, a.closed)
			for _, r := range a.responses {
				require.Equal(t, 501, r.status)
				require.Equal(t, "Unsupported transfer encoding", string(r.body))
			}
		}
		cases[name+"_conflicting_lengths"] = func(t *testing.T) {
			head := "POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
			a, err := exchange(addr, head, 1, deadline)
			requireRefused(t, a, err, true)
		}
	}
	cases["event_wrong_content_type"] = func(t *testing.T) {
		a, err := exchange(addr, request("POST", "/event", validEvent("ct"), "Content-Type: text/html; charset=\"<script>\""), 1, deadline)
		requireRefused(t, a, err, false)
	}
	return cases
}

// queryCases attack reporting's /stats parameters: each must be refused with a JSON 4xx.
func queryCases(addr string) map[string]func(t *testing.T) {
	queries := map[string]string{
		"site_id_invalid_utf8": "site_id=%FF%FE&date=2025-11-12",
		"site_id_nul":          "site_id=a%00b&date=2025-11-12",
		"site_id_too_long":     "site_id=" + strings.Repeat("x", 129),
		"site_id_missing":      "date=2025-11-12",
		"date_sql_injection":   "site_id=x&date=2025-11-12%27%3B+DROP+TABLE+events%3B--",
		"date_html_injection":  "site_id=x&date=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
		"date_impossible":      "site_id=x&date=2025-02-30",
		"date_invalid_utf8":    "site_id=x&date=%FF",
		"malformed_escape":     "site_id=%zz",
		"semicolon_separator":  "site_id=x;date=2025-11-12",
	}
	cases := map[string]func(t *testing.T){}
	for name, q := range map[string]string{"date_year_zero": "site_id=x&date=0000-01-01", "date_far_future": "site_id=x&date=9999-12-31"} {
		cases["stats_"+name] = func(t *testing.T) {
			a, err := exchange(addr, request("GET", "/stats?"+q, ""), 1, deadline)
			requireAnswered(t, a, err, 1)
		}
	}
	for name, q := range queries {
		cases["stats_"+name] = func(t *testing.T) {
			a, err := exchange(addr, request("GET", "/stats?"+q, ""), 1, deadline)
			requireRefused(t, a, err, false)
		}
	}
	return cases
}

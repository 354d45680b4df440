package ingestion_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
)

// fuzzNow is the receive time of the fuzz tests, so that the two parsers see the same clock.
var fuzzNow = time.Date(2025, 11, 12, 20, 0, 0, 0, time.UTC)

// eventSeeds are event objects that exercise every rule and every corner of JSON the scanner reads.
func eventSeeds() []string {
	seeds := []string{
		eventJSON(nil),
		`{}`, `{ }`, " \t\r\n{}\n", `{"site_id":"s","event_type":"page_view","path":"/"}`,
		`{"site_id":"s","event_type":"page_view","path":"/","site_id":"t"}`,
		`{"site_id":1,"event_type":"page_view","path":"/","site_id":"last wins"}`,
		`{"site_id":"s","event_type":"page_view","path":"/","user_id":null,"event_id":null,"timestamp":null}`,
		`{"site_id":null,"event_type":"","path":[],"user_id":{},"event_id":true,"timestamp":false}`,
		`{"site\u005fid":"escaped key","event_type":"t","path":"/"}`,
		`{"site_id":"s\u0000","event_type":"t\ud800","path":"\/a\"b\\c\b\f\n\r\t\u00e9\uD83D\uDE00"}`,
		`{"Site_ID":"s","SITE_ID":"s","site_id ":"s"," site_id":"s"}`,
		`{"site_id":"s","event_type":"t","path":"/","extra":{"a":[1,-2,3.5,-0,0e1,1E+2,1e-2,true,false,null,"x",{}],"b":[[[]]]}}`,
		`{"site_id":"s","event_type":"t","path":"/","n":-0.0e-0}`,
		`{"site_id":"s","event_type":"t","path":"/","timestamp":"2025-11-12t19:30:01z"}`,
		`{"site_id":"s","event_type":"t","path":"/","timestamp":"2025-11-12T19:30:01.5+23:59"}`,
		`{"site_id":"s","event_type":"t","path":"/","timestamp":"2025-11-13T19:30:01Z"}`,
		`{"site_id":"s","event_type":"t","path":"/","timestamp":"2025-11-13T20:00:00.000000001Z"}`,
		`{"site_id":"s","event_type":"t","path":"/","timestamp":"0000-01-01T00:00:00Z"}`,
		`{"site_id":"s","event_type":"t","path":"/","timestamp":"1970-01-01T00:00:00Z"}`,
		`{"site_id":"s","event_type":"t","path":"/","timestamp":"` + strings.Repeat("9", 65) + `"}`,
		`{"site_id":"` + strings.Repeat("é", 128) + `","event_type":"` + strings.Repeat("\\u00e9", 65) + `","path":"/"}`,
		`{"site_id":"` + "\xff" + `","event_type":"t","path":"/","unknown":"` + "\xff" + `"}`,
		`{"site_id":["` + "\xff" + `"],"event_type":"t","path":"/"}`,
		`{"` + "\xff" + `":"s","event_type":"t","path":"/"}`,
		`{"site_id":"s","event_type":"t","path":"/",}`, `{"site_id":"s" "event_type":"t"}`, `{"site_id"}`,
		`{"site_id":01}`, `{"site_id":1.}`, `{"site_id":-}`, `{"site_id":1e}`, `{"site_id":.5}`, `{"site_id":+1}`,
		`{"site_id":tru}`, `{"site_id":nulll}`, `{"site_id":"\x"}`, `{"site_id":"\u12"}`, `{"site_id":"\u12g4"}`,
		"{\"site_id\":\"a\tb\"}", `{"site_id":"unterminated}`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":{"b"}}`, `{'a':1}`,
		`{"a":1}}`, `{"a":1} {}`, `{"a":1}]`, `{"a":1} x`, `[{}]`, `"x"`, `42`, `null`, ``, ` `, `{`, `}`, "\ufeff{}",
		`{"a":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`,
		`{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
		`{"site_id":"s","event_type":"t","props":{"a":1,"a":"last","b":-0.5e3,"c":false},"url":"http://h/p"}`,
		`{"site_id":"s","event_type":"t","path":"/","props": { "a" : "\u0000" , "\u00e9":"\ud800"} }`,
		`{"site_id":"s","event_type":"t","path":"/","props":{"` + "\xff" + `":1}}`,
		`{"site_id":"s","event_type":"t","path":null,"url":"https://h/%00%ff"}`,
	}
	for _, change := range []map[string]any{
		{"site_id": nil}, {"site_id": ""}, {"site_id": 42}, {"path": []string{"/a"}}, {"user_id": true},
		{"event_id": map[string]any{}}, {"site_id": strings.Repeat("s", 129)}, {"path": "/" + strings.Repeat("p", 2048)},
		{"user_id": strings.Repeat("u", 257)}, {"event_id": strings.Repeat("e", 129)}, {"site_id": "site\x00one"},
		{"timestamp": "2025-11-12"}, {"timestamp": "2025-02-30T10:00:00Z"}, {"timestamp": "2025-11-12T9:30:01Z"},
		{"timestamp": "2025-11-12T09:30:01,5Z"}, {"timestamp": "2025-11-12T09:30:01+24:00"}, {"timestamp": 1731439801},
		{"timestamp": "1969-12-31T23:59:59Z"}, {"timestamp": "9999-12-31T23:59:59-12:00"}, {"path": "/café/日本語?q=😀&a=<b>"},
		{"event_id": "client-evt-42"}, {"referrer": "https://example.com", "extra": map[string]any{"a": []int{1}}},
		{"path": nil, "url": "https://www.example.com/a%C3%A9?utm_source=x&utm_term=a+b"}, {"path": nil, "url": ""},
		{"path": nil, "url": "nope"}, {"path": nil, "url": 7}, {"url": "https://example.com/" + strings.Repeat("u", 1981)},
		{"referrer": []int{}, "user_agent": strings.Repeat("a", 1025)}, {"user_agent": "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X)"},
		{"props": map[string]any{"plan": "pro", "n": 1.5, "b": true}}, {"props": map[string]any{"": 1, "x": nil, "y": []int{}, "z": map[string]int{}}},
		{"props": "{}"}, {"props": []int{}}, {"props": map[string]any{strings.Repeat("k", 65): 1, "v": strings.Repeat("v", 2001)}},
	} {
		seeds = append(seeds, eventJSON(change))
	}
	return seeds
}

// FuzzParseEvent checks that the one-pass parser answers every body exactly as encoding/json does, and
// that it leaves to encoding/json only malformed or very deeply nested bodies.
func FuzzParseEvent(f *testing.F) {
	for _, s := range eventSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, wantProblems := ingestion.ParseEventStd(body, fuzzNow)
		got, gotProblems := ingestion.ParseEvent(body, fuzzNow)
		require.Equal(t, wantProblems, gotProblems, "body %q", body)
		require.Equal(t, want, got, "body %q", body)
		if !ingestion.ScanEvent(body) && !deep(body) {
			require.True(t, isBodyError(wantProblems), "the scanner left a well-formed body %q: %q", body, wantProblems)
		}
	})
}

// FuzzParseBatch is FuzzParseEvent for POST /events bodies.
func FuzzParseBatch(f *testing.F) {
	seeds := eventSeeds()
	f.Add([]byte("[" + strings.Join(seeds, ",") + "]"))
	for _, s := range seeds {
		f.Add([]byte("[" + s + "]"))
		f.Add([]byte(" [ " + eventJSON(nil) + " , " + s + " ] "))
	}
	for _, s := range []string{`[]`, ` [ ] `, `[null,1,"x",[],{},true]`, `[{}]]`, `[{},]`, `[,{}]`, `[{}`, `[{} {}]`, `{}`, `null`} {
		f.Add([]byte(s))
	}
	f.Add([]byte("[" + strings.Repeat(`{},`, 500) + `{}]`))
	f.Add([]byte("[" + strings.Repeat(`1,`, 600) + `{]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		want := ingestion.ParseBatchStd(body, fuzzNow)
		require.Equal(t, want, ingestion.ParseBatch(body, fuzzNow), "body %q", body)
		if !ingestion.ScanBatch(body) && !deep(body) {
			require.True(t, isBodyError([]string{want.Error}), "the scanner left a well-formed body %q: %q", body, want.Error)
		}
	})
}

// deep reports whether body may nest deeper than the scanner follows.
func deep(body []byte) bool {
	return strings.Count(string(body), "[")+strings.Count(string(body), "{") >= 500
}

// isBodyError reports whether problems reject the body as a whole rather than an event's fields.
func isBodyError(problems []string) bool {
	if len(problems) != 1 {
		return false
	}
	for _, prefix := range []string{"malformed JSON: ", "unexpected data after the JSON value", "request body must be "} {
		if strings.HasPrefix(problems[0], prefix) {
			return true
		}
	}
	return false
}

package ingestion_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

// User agents of the required cases, as the browsers send them.
const (
	chromeWindows  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	safariIPhone   = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	firefoxAndroid = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"
	safariIPad     = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"
)

// postCaptured posts body to /event with the User-Agent header ua (none when empty) and returns the
// event as published.
func (s server) postCaptured(t *testing.T, ua, body string) event.Event {
	t.Helper()
	header := http.Header{"Content-Type": {jsonType}, "User-Agent": {ua}}
	a := decodeAccepted(t, doWith(t, http.MethodPost, s.url+"/event", header, body))
	return s.streamEvent(t, a.QueuedID, a.EventID)
}

func TestPostEventCapturesFields(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cases := []struct {
		name   string
		header string // the request's User-Agent
		change map[string]any
		want   event.Event // the captured and derived fields only
	}{
		{
			name:   "utm_tags_google_desktop_chrome",
			header: chromeWindows,
			change: map[string]any{
				"path": nil, "url": "https://WWW.Example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=launch&utm_content=hero&utm_term=analytics+tool",
				"referrer": "https://www.google.com/search?q=analytics",
			},
			want: event.Event{
				Path: "/pricing", URL: "https://WWW.Example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=launch&utm_content=hero&utm_term=analytics+tool",
				Referrer: "https://www.google.com/search?q=analytics", Hostname: "example.com", Source: "Google",
				UTMSource: "newsletter", UTMMedium: "email", UTMCampaign: "launch", UTMContent: "hero", UTMTerm: "analytics tool",
				Browser: "Chrome", BrowserVersion: "131.0", OS: "Windows", OSVersion: "10.0", Device: "Desktop",
			},
		},
		{
			name:   "facebook_iphone_safari",
			header: safariIPhone,
			change: map[string]any{"url": "https://example.com/blog/", "referrer": "https://l.facebook.com/l.php?u=x"},
			want: event.Event{
				Path: "/pricing", URL: "https://example.com/blog/", Referrer: "https://l.facebook.com/l.php?u=x",
				Hostname: "example.com", Source: "Facebook",
				Browser: "Safari", BrowserVersion: "17.5", OS: "iOS", OSVersion: "17.5", Device: "Mobile",
			},
		},
		{
			name:   "same_host_is_direct_android_firefox",
			header: firefoxAndroid,
			change: map[string]any{"path": nil, "url": "https://example.com", "referrer": "https://www.example.com/other"},
			want: event.Event{
				Path: "/", URL: "https://example.com", Referrer: "https://www.example.com/other", Hostname: "example.com",
				Browser: "Firefox", BrowserVersion: "132.0", OS: "Android", OSVersion: "14", Device: "Mobile",
			},
		},
		{
			name:   "unknown_referrer_is_its_host_ipad_from_body",
			header: chromeWindows,
			change: map[string]any{"url": "http://example.com/a", "referrer": "https://www.markosaric.com/post", "user_agent": safariIPad},
			want: event.Event{
				Path: "/pricing", URL: "http://example.com/a", Referrer: "https://www.markosaric.com/post",
				Hostname: "example.com", Source: "markosaric.com",
				Browser: "Safari", BrowserVersion: "16.6", OS: "iOS", OSVersion: "16.6", Device: "Tablet",
			},
		},
		{
			name:   "props_kept_as_json_text",
			change: map[string]any{"props": json.RawMessage(`{"plan":"pro","seats":12,"trial":false,"ratio":1.50}`)},
			want:   event.Event{Path: "/pricing", Props: map[string]string{"plan": "pro", "seats": "12", "trial": "false", "ratio": "1.50"}},
		},
		{
			name:   "empty_props_are_none",
			change: map[string]any{"props": map[string]any{}},
			want:   event.Event{Path: "/pricing"},
		},
		{
			name:   "referrer_without_url_counts",
			change: map[string]any{"referrer": "https://twitter.com/someone"},
			want:   event.Event{Path: "/pricing", Referrer: "https://twitter.com/someone", Source: "Twitter"},
		},
		{
			name:   "path_from_url_is_decoded",
			change: map[string]any{"path": nil, "url": "https://example.com/caf%C3%A9/%E6%97%A5?x=1#top"},
			want:   event.Event{Path: "/café/日", URL: "https://example.com/caf%C3%A9/%E6%97%A5?x=1#top", Hostname: "example.com"},
		},
		{
			name:   "nulls_are_absent",
			change: map[string]any{"url": json.RawMessage("null"), "referrer": json.RawMessage("null"), "props": json.RawMessage("null"), "user_agent": json.RawMessage("null")},
			want:   event.Event{Path: "/pricing"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := srv.postCaptured(t, tc.header, eventJSON(tc.change))
			require.Equal(t, tc.want, captured(got))
		})
	}
}

// captured returns e's path and the fields this feature captures and derives, the others zeroed.
func captured(e event.Event) event.Event {
	return event.Event{
		Path: e.Path, URL: e.URL, Referrer: e.Referrer, Props: e.Props, Hostname: e.Hostname, Source: e.Source,
		UTMSource: e.UTMSource, UTMMedium: e.UTMMedium, UTMCampaign: e.UTMCampaign, UTMContent: e.UTMContent, UTMTerm: e.UTMTerm,
		Browser: e.Browser, BrowserVersion: e.BrowserVersion, OS: e.OS, OSVersion: e.OSVersion, Device: e.Device,
	}
}

func TestPostEventsCapturesFieldsPerItem(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := "[" + eventJSON(map[string]any{"event_id": "a", "user_agent": safariIPhone, "url": "https://shop.example/x?utm_source=ig"}) + "," +
		eventJSON(map[string]any{"event_id": "b", "referrer": "https://www.bing.com/search?q=x"}) + "]"
	header := http.Header{"Content-Type": {jsonType}, "User-Agent": {chromeWindows}}
	r := doWith(t, http.MethodPost, srv.url+"/events", header, body)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	got := decodeBatch(t, r)
	a := srv.streamEvent(t, got.Results[0].QueuedID, "a")
	require.Equal(t, []string{"iOS", "Mobile", "shop.example", "ig", ""}, []string{a.OS, a.Device, a.Hostname, a.UTMSource, a.Source})
	b := srv.streamEvent(t, got.Results[1].QueuedID, "b")
	require.Equal(t, []string{"Windows", "Desktop", "Bing"}, []string{b.OS, b.Device, b.Source})
}

func TestPostEventRejectsCapturedFields(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	props := func(n int) json.RawMessage {
		m := map[string]int{}
		for i := range n {
			m["k"+strings.Repeat("x", i)] = i
		}
		b, _ := json.Marshal(m)
		return b
	}
	cases := []struct {
		name    string
		change  map[string]any
		wantErr string
	}{
		{name: "url_not_a_string", change: map[string]any{"url": 5}, wantErr: `"url" must be a string`},
		{name: "url_too_long", change: map[string]any{"url": "https://example.com/" + strings.Repeat("a", 1981)}, wantErr: `"url" length must be less than or equal to 2000 characters long`},
		{name: "url_relative", change: map[string]any{"url": "/pricing"}, wantErr: `"url" must be an absolute http or https URL`},
		{name: "url_ftp", change: map[string]any{"url": "ftp://example.com/a"}, wantErr: `"url" must be an absolute http or https URL`},
		{name: "url_data", change: map[string]any{"url": "data:text/html,hi"}, wantErr: `"url" must be an absolute http or https URL`},
		{name: "url_without_host", change: map[string]any{"url": "https:///a"}, wantErr: `"url" must be an absolute http or https URL`},
		{name: "url_unparsable", change: map[string]any{"url": "https://exa mple.com/%zz"}, wantErr: `"url" must be an absolute http or https URL`},
		{name: "url_with_nul", change: map[string]any{"url": "https://example.com/\x00"}, wantErr: `"url" must not contain NUL`},
		{name: "no_path_no_url", change: map[string]any{"path": nil}, wantErr: `"path" is required`},
		{name: "no_path_empty_url", change: map[string]any{"path": nil, "url": ""}, wantErr: `"path" is required`},
		{name: "url_host_invalid_utf8", change: map[string]any{"url": "https://a%ffb.com/"}, wantErr: `"url" must be an absolute http or https URL`},
		{name: "no_path_bad_url", change: map[string]any{"path": nil, "url": "nope"}, wantErr: `"url" must be an absolute http or https URL`},
		{name: "referrer_too_long", change: map[string]any{"referrer": strings.Repeat("r", 2001)}, wantErr: `"referrer" length must be less than or equal to 2000 characters long`},
		{name: "referrer_object", change: map[string]any{"referrer": map[string]any{}}, wantErr: `"referrer" must be a string`},
		{name: "user_agent_too_long", change: map[string]any{"user_agent": strings.Repeat("u", 1025)}, wantErr: `"user_agent" length must be less than or equal to 1024 characters long`},
		{name: "user_agent_number", change: map[string]any{"user_agent": 1}, wantErr: `"user_agent" must be a string`},
		{name: "props_array", change: map[string]any{"props": []string{"a"}}, wantErr: `"props" must be an object`},
		{name: "props_string", change: map[string]any{"props": `{"a":"b"}`}, wantErr: `"props" must be an object`},
		{name: "props_too_many", change: map[string]any{"props": props(31)}, wantErr: `"props" must hold at most 30 properties, got 31`},
		{name: "props_empty_key", change: map[string]any{"props": map[string]any{"": "x"}}, wantErr: `"props" keys must be 1 to 64 bytes of UTF-8`},
		{name: "props_long_key", change: map[string]any{"props": map[string]any{strings.Repeat("k", 65): "x"}}, wantErr: `"props" keys must be 1 to 64 bytes of UTF-8`},
		{name: "props_null_value", change: map[string]any{"props": json.RawMessage(`{"plan":null}`)}, wantErr: `"props.plan" must be a string, number or boolean`},
		{name: "props_nested_object", change: map[string]any{"props": map[string]any{"plan": map[string]any{}}}, wantErr: `"props.plan" must be a string, number or boolean`},
		{name: "props_array_value", change: map[string]any{"props": map[string]any{"plan": []int{1}}}, wantErr: `"props.plan" must be a string, number or boolean`},
		{name: "props_long_value", change: map[string]any{"props": map[string]any{"plan": strings.Repeat("v", 2001)}}, wantErr: `"props.plan" must be at most 2000 bytes of UTF-8`},
		// The new fields that are part of an index key are bounded in bytes too: a Postgres index entry
		// holds at most 2,704 bytes, and a value accepted here but refused by the write is poisoned.
		{name: "props_multibyte_value", change: map[string]any{"props": map[string]any{"plan": strings.Repeat("😀", 501)}}, wantErr: `"props.plan" must be at most 2000 bytes of UTF-8`},
		{name: "props_multibyte_key", change: map[string]any{"props": map[string]any{strings.Repeat("é", 33): "x"}}, wantErr: `"props" keys must be 1 to 64 bytes of UTF-8`},
		{name: "props_long_number", change: map[string]any{"props": json.RawMessage(`{"n":` + strings.Repeat("7", 65) + `}`)}, wantErr: `"props.n" must be a number of at most 64 characters`},
		{name: "url_long_host", change: map[string]any{"url": "https://" + strings.Repeat("a", 250) + ".com/"}, wantErr: `"url" host must be at most 253 bytes`},
		{name: "props_nul_value", change: map[string]any{"props": map[string]any{"plan": "a\x00"}}, wantErr: `"props.plan" must not contain NUL`},
		{name: "props_nul_key", change: map[string]any{"props": map[string]any{"a\x00": "x"}}, wantErr: `"props" keys must not contain NUL`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireError(t, srv.post(t, "/event", jsonType, eventJSON(tc.change)), http.StatusBadRequest, tc.wantErr)
		})
	}
	t.Run("props_invalid_utf8", func(t *testing.T) {
		t.Parallel()
		body := strings.Replace(eventJSON(nil), `{`, `{"props":{"a":"`+"\xff"+`"},`, 1)
		requireError(t, srv.post(t, "/event", jsonType, body), http.StatusBadRequest, `"props" must be valid UTF-8`)
	})
	t.Run("per_item_in_batch", func(t *testing.T) {
		t.Parallel()
		body := "[" + eventJSON(map[string]any{"url": "nope"}) + "," + eventJSON(map[string]any{"props": []int{}}) + "]"
		r := srv.post(t, "/events", jsonType, body)
		require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
		require.Equal(t, []string{`[0] "url" must be an absolute http or https URL`, `[1] "props" must be an object`}, errorMessages(t, r))
	})
}

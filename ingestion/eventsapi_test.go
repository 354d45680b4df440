package ingestion_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/ingestion"
)

// operaUA is the user agent of the Events API documentation's example.
const operaUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/85.0.4183.121 Safari/537.36 OPR/71.0.3770.284"

// postPlausible posts body to /api/event as a browser or a server following Plausible's docs does.
func (s server) postPlausible(t *testing.T, contentType, userAgent, body string) response {
	t.Helper()
	header := http.Header{"User-Agent": {userAgent}, "X-Forwarded-For": {"127.0.0.1"}}
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	return doWith(t, http.MethodPost, s.url+"/api/event", header, body)
}

// requireOK checks Plausible's answer to an event it took: 202 with the body "ok".
func requireOK(t *testing.T, r response) {
	t.Helper()
	require.Equal(t, http.StatusAccepted, r.status, "body: %s", r.body)
	require.Equal(t, "ok", string(r.body))
	require.Equal(t, "text/plain; charset=utf-8", r.header.Get("Content-Type"))
}

// allStreamEvents returns every event of the server's stream, in order, decoded as the processor does.
func (s server) allStreamEvents(t *testing.T) []event.Event {
	t.Helper()
	entries, err := s.redis.XRange(context.Background(), s.stream, "-", "+").Result()
	require.NoError(t, err)
	var all []event.Event
	for _, entry := range entries {
		msg, err := redisstream.DefaultMarshallerUnmarshaller{}.Unmarshal(entry.Values)
		require.NoError(t, err)
		events, err := event.Unmarshal(msg.Payload)
		require.NoError(t, err)
		all = append(all, events...)
	}
	return all
}

// Bodies of Plausible's Events API docs and of its trackers are accepted, answered 202 "ok", and
// published as the events POST /event would make of the same page view or custom event.
func TestEventsAPIAccepts(t *testing.T) {
	t.Parallel()
	base := event.Event{
		SiteID: "dummy.site", EventType: event.PageView, Path: "/", URL: "http://dummy.site", Hostname: "dummy.site",
		UserAgent: operaUA, Browser: "Opera", BrowserVersion: "71.0", OS: "Mac", OSVersion: "10.15", Device: "Desktop",
	}
	with := func(change func(*event.Event)) event.Event {
		e := base
		change(&e)
		return e
	}
	cases := []struct {
		name        string
		contentType string
		body        string
		want        event.Event
	}{
		{
			name: "docs_example", contentType: "",
			body: `{"name":"pageview","url":"http://dummy.site","domain":"dummy.site","width":1666}`, want: base,
		},
		{
			name: "docs_example_as_json", contentType: jsonType,
			body: `{"name":"pageview","url":"http://dummy.site","domain":"dummy.site","screen_width":1666}`, want: base,
		},
		{
			name: "plausible_tracker_short_keys_text_plain", contentType: "text/plain",
			body: `{"n":"pageview","u":"https://shop.example.com/pricing?utm_source=news","d":"shop","r":"https://www.google.com/","w":1280,"h":0}`,
			want: with(func(e *event.Event) {
				e.SiteID, e.Path, e.URL, e.Hostname = "shop", "/pricing", "https://shop.example.com/pricing?utm_source=news", "shop.example.com"
				e.UTMSource, e.Referrer, e.Source = "news", "https://www.google.com/", "Google"
			}),
		},
		{
			name: "custom_event_props_as_json_string", contentType: "text/plain;charset=UTF-8",
			body: `{"n":"Signup","u":"https://shop.example.com/join","d":"shop","r":null,"w":1280,"h":0,"p":"{\"plan\":\"pro\",\"seats\":3}"}`,
			want: with(func(e *event.Event) {
				e.SiteID, e.EventType, e.Path, e.URL, e.Hostname = "shop", "Signup", "/join", "https://shop.example.com/join", "shop.example.com"
				e.Props = map[string]string{"plan": "pro", "seats": "3"}
			}),
		},
		{
			name: "custom_event_props_object_revenue_interactive_ignored", contentType: jsonType,
			body: `{"name":"Purchase","url":"https://shop.example.com/cart","domain":"shop","props":{"paid":true},
				"revenue":{"currency":"EUR","amount":"12.50"},"interactive":false}`,
			want: with(func(e *event.Event) {
				e.SiteID, e.EventType, e.Path, e.URL, e.Hostname = "shop", "Purchase", "/cart", "https://shop.example.com/cart", "shop.example.com"
				e.Props = map[string]string{"paid": "true"}
			}),
		},
		{
			name: "short_keys_win_over_long", contentType: "text/plain",
			body: `{"n":"pageview","name":"Other","u":"https://a.example/x","url":"https://b.example/y","d":"a","domain":"b"}`,
			want: with(func(e *event.Event) {
				e.SiteID, e.Path, e.URL, e.Hostname = "a", "/x", "https://a.example/x", "a.example"
			}),
		},
		{
			name: "hash_mode_keeps_the_fragment_in_the_path", contentType: "text/plain",
			body: `{"n":"pageview","u":"https://app.example/#/settings/billing","d":"app","h":1}`,
			want: with(func(e *event.Event) {
				e.SiteID, e.Path, e.URL, e.Hostname = "app", "/#/settings/billing", "https://app.example/#/settings/billing", "app.example"
			}),
		},
		{
			name: "fragment_ignored_without_hash_mode", contentType: "text/plain",
			body: `{"n":"pageview","u":"https://app.example/docs#install","d":"app","h":0}`,
			want: with(func(e *event.Event) {
				e.SiteID, e.Path, e.URL, e.Hostname = "app", "/docs", "https://app.example/docs#install", "app.example"
			}),
		},
		{
			name: "domain_trimmed", contentType: jsonType,
			body: `{"name":"pageview","url":"http://dummy.site","domain":" dummy.site "}`, want: base,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			before := time.Now().UTC()
			requireOK(t, srv.postPlausible(t, tc.contentType, operaUA, tc.body))
			got := srv.allStreamEvents(t)
			require.Len(t, got, 1)
			e := got[0]
			requireUUIDv7(t, e.EventID)
			require.WithinRange(t, e.Timestamp, before.Add(-time.Second), time.Now().UTC().Add(time.Second))
			want := tc.want
			want.EventID, want.Timestamp, want.UserAgent = e.EventID, e.Timestamp, "" // the user agent is not published
			require.Equal(t, want, e)
		})
	}
}

// A comma-separated domain sends one event to each site, each with an id of its own.
func TestEventsAPIMultipleDomains(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	requireOK(t, srv.postPlausible(t, "text/plain", operaUA,
		`{"n":"pageview","u":"https://a.example/x","d":"site-a,site-b, site-c,site-a"}`))
	got := srv.allStreamEvents(t)
	require.Len(t, got, 3)
	sites := map[string]string{}
	for _, e := range got {
		requireUUIDv7(t, e.EventID)
		require.NotContains(t, sites, e.EventID)
		sites[e.EventID] = e.SiteID
		require.Equal(t, "/x", e.Path)
		require.Equal(t, event.PageView, e.EventType)
	}
	require.ElementsMatch(t, []string{"site-a", "site-b", "site-c"}, mapValues(sites))
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Invalid bodies are refused 400 in the project's JSON error shape, naming Plausible's fields, and
// nothing is published.
func TestEventsAPIRefuses(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	manyProps := map[string]int{}
	for i := range 31 {
		manyProps[strings.Repeat("k", i+1)] = i
	}
	props, err := json.Marshal(manyProps)
	require.NoError(t, err)
	domains := make([]string, 501)
	for i := range domains {
		domains[i] = "s" + strconv.Itoa(i)
	}
	manyDomains := strings.Join(domains, ",")
	cases := []struct {
		name        string
		contentType string
		body        string
		status      int
		want        string
	}{
		{name: "name_missing", body: `{"url":"https://a.example/","domain":"a"}`, status: 400, want: `"name" is required`},
		{name: "url_missing", body: `{"name":"pageview","domain":"a"}`, status: 400, want: `"url" is required`},
		{name: "domain_missing", body: `{"name":"pageview","url":"https://a.example/"}`, status: 400, want: `"domain" is required`},
		{name: "domain_blank", body: `{"n":"pageview","u":"https://a.example/","d":"  "}`, status: 400, want: `"domain" is not allowed to be empty`},
		{name: "domain_empty_entry", body: `{"n":"pageview","u":"https://a.example/","d":"a,,b"}`, status: 400, want: `"domain" must be a comma-separated list of site ids`},
		{name: "domain_too_many", body: `{"n":"pageview","u":"https://a.example/","d":"` + manyDomains + `"}`, status: 400, want: `"domain" may name at most 500 sites`},
		{name: "domain_too_long", body: `{"n":"pageview","u":"https://a.example/","d":"` + strings.Repeat("d", 129) + `"}`, status: 400, want: `"domain" length must be less than or equal to 128`},
		{name: "name_not_a_string", body: `{"n":7,"u":"https://a.example/","d":"a"}`, status: 400, want: `"name" must be a string`},
		{name: "name_too_long", body: `{"n":"` + strings.Repeat("n", 65) + `","u":"https://a.example/","d":"a"}`, status: 400, want: `"name" length must be less than or equal to 64`},
		{name: "url_data_scheme", body: `{"n":"pageview","u":"data:text/html,hi","d":"a"}`, status: 400, want: `"url" must be an absolute http or https URL`},
		{name: "props_too_many", body: `{"n":"Signup","u":"https://a.example/","d":"a","p":` + string(props) + `}`, status: 400, want: `"props" must hold at most 30 properties, got 31`},
		{name: "props_string_too_many", body: `{"n":"Signup","u":"https://a.example/","d":"a","p":` + strconvQuote(string(props)) + `}`, status: 400, want: `"props" must hold at most 30 properties, got 31`},
		{name: "props_nested", body: `{"n":"Signup","u":"https://a.example/","d":"a","p":{"a":{"b":1}}}`, status: 400, want: `"props.a" must be a string, number or boolean`},
		{name: "props_string_not_an_object", body: `{"n":"Signup","u":"https://a.example/","d":"a","p":"[1]"}`, status: 400, want: `"props" must be an object, or a string holding one in JSON`},
		{name: "props_value_too_long", body: `{"n":"Signup","u":"https://a.example/","d":"a","p":{"a":"` + strings.Repeat("v", 2001) + `"}}`, status: 400, want: `"props.a" must be at most 2000 bytes`},
		{name: "domain_nul", body: `{"n":"pageview","u":"https://a.example/","d":"a\u0000b"}`, status: 400, want: `"domain" must not contain NUL characters`},
		{name: "name_invalid_utf8", body: "{\"n\":\"\xff\xfe\",\"u\":\"https://a.example/\",\"d\":\"a\"}", status: 400, want: `"name" must be valid UTF-8`},
		{name: "referrer_object", body: `{"n":"pageview","u":"https://a.example/","d":"a","r":{"$gt":""}}`, status: 400, want: `"referrer" must be a string`},
		{name: "props_string_malformed", body: `{"n":"Signup","u":"https://a.example/","d":"a","p":"{\"a\":"}`, status: 400, want: `"props" must be an object, or a string holding one in JSON`},
		{name: "props_string_nul_value", body: `{"n":"Signup","u":"https://a.example/","d":"a","p":"{\"a\":\"x\\u0000y\"}"}`, status: 400, want: `"props.a" must not contain NUL characters`},
		{name: "deeply_nested", body: `{"n":"pageview","u":"https://a.example/","d":"a","w":` + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + `}`, status: 400, want: "malformed JSON"},
		{name: "url_empty", body: `{"n":"pageview","u":"","d":"a"}`, status: 400, want: `"url" is not allowed to be empty`},
		{name: "malformed_json", contentType: "text/plain", body: `{"n":"pageview"`, status: 400, want: "malformed JSON"},
		{name: "not_an_object", body: `["pageview"]`, status: 400, want: "request body must be a JSON object"},
		{name: "empty_body", body: ``, status: 400, want: "request body is empty"},
		{name: "form_content_type", contentType: "application/x-www-form-urlencoded", body: `n=pageview`, status: 415, want: "is not supported"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ct := tc.contentType
			if ct == "" {
				ct = jsonType
			}
			requireError(t, srv.postPlausible(t, ct, operaUA, tc.body), tc.status, tc.want)
		})
	}
	t.Cleanup(func() { require.Zero(t, srv.streamLen(t), "a refused event was published") })
}

func strconvQuote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// A bot's event is answered as Plausible answers it, 202 "ok" with x-plausible-dropped, and not
// published; with KEEP_BOT_EVENTS it is published marked, as POST /event's are.
func TestEventsAPIScreensBots(t *testing.T) {
	t.Parallel()
	body := `{"n":"pageview","u":"https://a.example/","d":"a,b"}`
	s, api := botServer(t, ingestion.BotConfig{Filter: true})
	r := s.postAs(t, "/api/event", googlebotUA, body)
	requireOK(t, r)
	require.Equal(t, "1", r.header.Get("X-Plausible-Dropped"))
	require.Equal(t, "bot", r.header.Get("X-Events-Dropped"))
	require.Zero(t, s.streamLen(t), "a bot's event reached the broker")
	dropped, kept := api.BotEvents()
	require.Equal(t, [2]uint64{2, 0}, [2]uint64{dropped, kept})

	s, api = botServer(t, ingestion.BotConfig{Filter: true, Keep: true})
	r = s.postAs(t, "/api/event", headlessChromeUA, body)
	requireOK(t, r)
	require.Empty(t, r.header.Get("X-Plausible-Dropped"))
	got := s.allStreamEvents(t)
	require.Len(t, got, 2)
	for _, e := range got {
		require.True(t, e.Bot)
	}
	dropped, kept = api.BotEvents()
	require.Equal(t, [2]uint64{0, 2}, [2]uint64{dropped, kept})
}

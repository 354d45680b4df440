package ingestion_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// Each call of Segment's spec becomes the event the README's mapping says, for the write key's site:
// track a custom event, page and screen page views, identify, group and alias events of their type
// keeping traits, groupId and previousId as the event's traits, never as its props (which are reported).
func TestSegmentCallsBecomeEvents(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	anonymous := visitor.FromAnonymous(segmentSite, "a1")
	cases := []struct {
		name, path, body string
		want             event.Event
	}{
		{
			name: "track", path: "/v1/track",
			body: `{"userId":"u1","event":"Signup","messageId":"m-track","timestamp":"2026-11-29T11:00:00Z","site_id":"other.example",
				"properties":{"plan":"pro","price":12.5,"trial":false,"items":[1, 2],"meta":{"a":1},"gone":null},
				"context":{"page":{"url":"https://shop.example/pricing?utm_source=news"},"ip":"203.0.113.9","library":{"name":"analytics-node","version":"3.1.0"}}}`,
			want: event.Event{EventType: "Signup", Path: "/pricing", UserID: "u1", EventID: "m-track", Timestamp: ts("2026-11-29T11:00:00Z"),
				URL: "https://shop.example/pricing?utm_source=news", Hostname: "shop.example", UTMSource: "news",
				Props: map[string]string{"plan": "pro", "price": "12.5", "trial": "false", "items": "[1,2]", "meta": `{"a":1}`}},
		},
		{
			name: "page_of_properties", path: "/v1/page",
			body: `{"anonymousId":"a1","name":"Pricing","messageId":"m-page","properties":{"path":"/pricing","url":"https://shop.example/pricing","referrer":"https://www.google.com/","title":"Pricing"},
				"context":{"page":{"path":"/ignored"},"userAgent":"` + chromeUA + `"}}`,
			want: event.Event{EventType: event.PageView, Path: "/pricing", EventID: "m-page", Timestamp: segmentReceivedAt, VisitorID: anonymous,
				URL: "https://shop.example/pricing", Hostname: "shop.example", Referrer: "https://www.google.com/", Source: "Google",
				Browser: "Chrome", BrowserVersion: "131.0", OS: "Windows", OSVersion: "10.0", Device: "Desktop", Props: map[string]string{"title": "Pricing"}},
		},
		{
			name: "page_of_context", path: "/v1/p",
			body: `{"anonymousId":"a1","messageId":"m-p","context":{"page":{"path":"/docs","url":"https://shop.example/docs"}}}`,
			want: event.Event{EventType: event.PageView, Path: "/docs", EventID: "m-p", Timestamp: segmentReceivedAt, VisitorID: anonymous,
				URL: "https://shop.example/docs", Hostname: "shop.example"},
		},
		{
			name: "screen", path: "/v1/screen",
			body: `{"userId":"u1","name":"Home","messageId":"m-screen","properties":{"tab":"feed"}}`,
			want: event.Event{EventType: event.PageView, Path: "Home", UserID: "u1", EventID: "m-screen", Timestamp: segmentReceivedAt,
				Props: map[string]string{"tab": "feed"}},
		},
		{
			name: "identify", path: "/v1/identify",
			body: `{"userId":"u1","messageId":"m-identify","traits":{"email":"ada@example.com","plan":"pro"}}`,
			want: event.Event{EventType: "identify", Path: "/", UserID: "u1", EventID: "m-identify", Timestamp: segmentReceivedAt,
				Traits: map[string]string{"email": "ada@example.com", "plan": "pro"}},
		},
		{
			name: "group", path: "/v1/group",
			body: `{"userId":"u1","groupId":"g1","messageId":"m-group","traits":{"name":"Acme"}}`,
			want: event.Event{EventType: "group", Path: "/", UserID: "u1", EventID: "m-group", Timestamp: segmentReceivedAt,
				Traits: map[string]string{"groupId": "g1", "name": "Acme"}},
		},
		{
			name: "alias", path: "/v1/alias",
			body: `{"userId":"u1","previousId":"a1","messageId":"m-alias"}`,
			want: event.Event{EventType: "alias", Path: "/", UserID: "u1", EventID: "m-alias", Timestamp: segmentReceivedAt,
				Traits: map[string]string{"previousId": "a1"}},
		},
	}
	for _, c := range cases {
		requireSuccess(t, s.postSegment(t, c.path, c.body))
	}
	got := s.allStreamEvents(t)
	require.Len(t, got, len(cases))
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			want.SiteID = segmentSite
			if want.Browser == "" { // the request's User-Agent stands in for the call's context.userAgent
				want.Browser, want.BrowserVersion = "Go-http-client", "1.1"
			}
			if want.UserID != "" {
				want.VisitorID = 0 // given by Visitors, which this server does not run
			}
			require.Equal(t, want, got[i])
		})
	}
}

// A call without messageId gets a UUIDv7 as its event id, as POST /event's events do.
func TestSegmentCallWithoutMessageIDGetsAnID(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	requireSuccess(t, s.postSegment(t, "/v1/track", `{"anonymousId":"a1","event":"Signup"}`))
	got := s.allStreamEvents(t)
	require.Len(t, got, 1)
	requireUUIDv7(t, got[0].EventID)
}

// The client's clock is corrected as Segment documents: timestamp = receivedAt − (sentAt − timestamp),
// with the call's sentAt or else its batch's; originalTimestamp stands in for timestamp.
func TestSegmentCorrectsClockSkew(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	// The client's clock is 3 days behind: it says it sent at 09:05 what happened at 09:00; received at 12:00.
	requireSuccess(t, s.postSegment(t, "/v1/track", `{"userId":"u","event":"a","messageId":"1","timestamp":"2026-11-26T09:00:00Z","sentAt":"2026-11-26T09:05:00Z"}`))
	requireSuccess(t, s.postSegment(t, "/v1/track", `{"userId":"u","event":"b","messageId":"2","timestamp":"2026-11-29T11:00:00.5+01:00"}`))
	requireSuccess(t, s.postSegment(t, "/v1/track", `{"userId":"u","event":"c","messageId":"3","originalTimestamp":"2026-11-29T11:59:00Z","sentAt":"2026-11-29T12:00:30Z"}`))
	r := s.postSegment(t, "/v1/batch", `{"sentAt":"2026-11-29T11:00:00Z","batch":[
		{"type":"track","userId":"u","event":"d","messageId":"4","timestamp":"2026-11-29T10:59:00Z"},
		{"type":"track","userId":"u","event":"e","messageId":"5","timestamp":"2026-11-29T10:59:00Z","sentAt":"2026-11-29T10:59:30Z"}]}`)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	got := s.allStreamEvents(t)
	require.Len(t, got, 5)
	want := []time.Time{
		ts("2026-11-29T11:55:00Z"),   // 12:00 − 5 min
		ts("2026-11-29T10:00:00.5Z"), // no sentAt: as sent
		ts("2026-11-29T11:58:30Z"),   // 12:00 − 1.5 min
		ts("2026-11-29T11:59:00Z"),   // the batch's sentAt: 12:00 − 1 min
		ts("2026-11-29T11:59:30Z"),   // its own sentAt: 12:00 − 30 s
	}
	for i := range want {
		require.Equal(t, want[i], got[i].Timestamp, "event %s", got[i].EventType)
	}
}

package event_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

func TestMarshalIsWhatEncodingJSONMakes(t *testing.T) {
	t.Parallel()
	cases := map[string][]event.Event{
		"nil":   nil,
		"empty": {},
		"two": {
			{EventID: "e1", SiteID: "s", EventType: "click", Path: "/", UserID: "u", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC)},
			{EventID: "e2", SiteID: "s", EventType: event.PageView, Path: "/a", Timestamp: time.Date(2025, 11, 13, 0, 0, 0, 0, time.UTC)},
		},
		"escapes": {{
			EventID: `"quoted" \ <b>&amp;</b>`, SiteID: "café 日本 😀", EventType: "\x00\t\n\u2028", Path: "/\xff\xfe",
			UserID: "\x7f", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 0, time.FixedZone("", -(2*3600+30*60))),
		}},
		"zero_time": {{EventID: "e"}},
		"v2_fields": {{
			EventID: "e", SiteID: "s", EventType: event.PageView, Path: "/a", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC),
			Bot: true, VisitorID: -42, URL: "https://example.com/a?utm_source=x&b=<c>", Referrer: "https://www.google.com/",
			Props: map[string]string{"plan": "pro", "b": "1", " é": "true", "": ""}, Hostname: "example.com", Source: "Google",
			UTMSource: "x", UTMMedium: "m", UTMCampaign: "c", UTMContent: "co", UTMTerm: "t",
			Browser: "Chrome", BrowserVersion: "120.0", OS: "Windows", OSVersion: "10", Device: "Desktop",
		}, {EventID: "f", SiteID: "s", EventType: "click", Path: "/", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC), VisitorID: 7, Props: map[string]string{}, Device: "Mobile"}},
		"traits": {
			{EventID: "i", SiteID: "s", EventType: "identify", Path: "/", UserID: "u", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC),
				Traits: map[string]string{"email": "ada@example.com", "z": `{"a":[1]}`, "": "<&>"}, Hostname: "example.com"},
			{EventID: "g", SiteID: "s", EventType: "group", Path: "/", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC),
				Referrer: "r", Props: map[string]string{"b": "2", "a": "1"}, Traits: map[string]string{"groupId": "g1"}, Device: "Tablet"},
			{EventID: "h", SiteID: "s", EventType: "alias", Path: "/", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC), Traits: map[string]string{}},
		},
		"bot": {
			{EventID: "e1", SiteID: "s", EventType: event.PageView, Path: "/", UserID: "u", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC), Bot: true},
			{EventID: "e2", SiteID: "s", EventType: event.PageView, Path: "/", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC), Bot: true},
			{EventID: "e3", SiteID: "s", EventType: event.PageView, Path: "/", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC)},
		},
	}
	for name, events := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := json.Marshal(events)
			require.NoError(t, err)
			got, err := event.Marshal(events)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		})
	}
}

func TestMarshalRejectsAYearOutOfRange(t *testing.T) {
	t.Parallel()
	_, err := event.Marshal([]event.Event{{EventID: "e", Timestamp: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}})
	require.Error(t, err)
}

// FuzzMarshal checks that Marshal writes exactly what json.Marshal writes.
func FuzzMarshal(f *testing.F) {
	f.Add("e", "s", "page_view", "/", "", int64(1762975801), 0, 0)
	f.Add(`"\<>&`, "\xff", "\u2028", "日本", "\x00", int64(-62135596800), 999999999, -720)
	f.Fuzz(func(t *testing.T, id, site, typ, path, user string, sec int64, nsec, offsetMinutes int) {
		ts := time.Unix(sec, int64(nsec)).In(time.FixedZone("", offsetMinutes%(24*60)*60))
		events := []event.Event{{EventID: id, SiteID: site, EventType: typ, Path: path, UserID: user, Timestamp: ts, Bot: nsec%2 == 1}}
		want, wantErr := json.Marshal(events)
		got, err := event.Marshal(events)
		if wantErr != nil {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	})
}

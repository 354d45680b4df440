package event_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	events := []event.Event{
		{EventID: "e1", SiteID: "s", EventType: "click", Path: "/", UserID: "u", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC)},
		{EventID: "e2", SiteID: "s", EventType: event.PageView, Path: "/a", Timestamp: time.Date(2025, 11, 13, 0, 0, 0, 0, time.UTC)},
		{EventID: "e3", SiteID: "s", EventType: event.PageView, Path: "/b", Timestamp: time.Date(2025, 11, 13, 0, 0, 0, 0, time.UTC), Bot: true},
		{EventID: "e4", SiteID: "s", EventType: "identify", Path: "/", UserID: "u", Timestamp: time.Date(2025, 11, 13, 0, 0, 0, 0, time.UTC),
			Props: map[string]string{"plan": "pro"}, Traits: map[string]string{"email": "ada@example.com", "plan": "team"}},
	}
	payload, err := event.Marshal(events)
	require.NoError(t, err)
	got, err := event.Unmarshal(payload)
	require.NoError(t, err)
	require.Equal(t, events, got)
}

func TestUnmarshalAcceptsASingleObject(t *testing.T) {
	t.Parallel()
	got, err := event.Unmarshal([]byte(` {"event_id":"e","site_id":"s","event_type":"page_view","path":"/","timestamp":"2025-11-12T19:30:01Z"}`))
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "e", got[0].EventID)
}

func TestUnmarshalRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"not_json":          `[{"event_id":`,
		"empty":             ``,
		"empty_array":       `[]`,
		"a_string":          `"x"`,
		"missing_event_id":  `[{"site_id":"s","event_type":"page_view","path":"/","timestamp":"2025-11-12T19:30:01Z"}]`,
		"missing_timestamp": `{"event_id":"e","site_id":"s","event_type":"page_view","path":"/"}`,
		"one_bad_of_two":    `[{"event_id":"e","site_id":"s","event_type":"page_view","path":"/","timestamp":"2025-11-12T19:30:01Z"},{"event_id":"f"}]`,
	}
	for name, payload := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := event.Unmarshal([]byte(payload))
			require.Error(t, err)
		})
	}
}

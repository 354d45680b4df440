package event_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	e := event.Event{EventID: "e1", SiteID: "s", EventType: "click", Path: "/", UserID: "u", Timestamp: time.Date(2025, 11, 12, 19, 30, 1, 5, time.UTC)}
	payload, err := event.Marshal(e)
	require.NoError(t, err)
	got, err := event.Unmarshal(payload)
	require.NoError(t, err)
	require.Equal(t, e, got)
}

func TestUnmarshalRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"not_json":          `{"event_id":`,
		"missing_event_id":  `{"site_id":"s","event_type":"page_view","path":"/","timestamp":"2025-11-12T19:30:01Z"}`,
		"missing_timestamp": `{"event_id":"e","site_id":"s","event_type":"page_view","path":"/"}`,
		"missing_site_id":   `{"event_id":"e","event_type":"page_view","path":"/","timestamp":"2025-11-12T19:30:01Z"}`,
	}
	for name, payload := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := event.Unmarshal([]byte(payload))
			require.Error(t, err)
		})
	}
}

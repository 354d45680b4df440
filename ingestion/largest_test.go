package ingestion_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/ingestion"
)

// TestLargestValidEventFitsOneMessage builds an event with every field at its limit, of characters JSON
// escapes to six bytes ('<' -> \u003c), and checks that it still fits one message: the packer can split
// a request's events over messages, not an event.
func TestLargestValidEventFitsOneMessage(t *testing.T) {
	t.Parallel()
	lt := func(n int) string { return strings.Repeat("<", n) }
	props := map[string]string{}
	for i := range 30 {
		props[lt(62)+string(rune('a'+i/26))+string(rune('a'+i%26))] = lt(2000)
	}
	query := "?utm_source=" + lt(300) + "&utm_medium=" + lt(300) + "&utm_campaign=" + lt(300) + "&utm_content=" + lt(300) + "&utm_term=" + lt(300)
	url := "https://example.com/" + lt(2000-len("https://example.com/")-len(query)) + query
	b, err := json.Marshal(map[string]any{
		"site_id": lt(128), "event_type": lt(64), "path": "/" + lt(2047), "user_id": lt(256), "event_id": lt(128),
		"url": url, "referrer": "https://" + lt(1992), "props": props,
		"user_agent": "Mozilla/5.0 (Linux; Android " + lt(400) + ") Chrome/" + lt(400) + " Mobile",
	})
	require.NoError(t, err)
	body := strings.ReplaceAll(string(b), `\u003c`, "<")
	e, problems := ingestion.ParseEvent([]byte(body), fuzzNow)
	require.Empty(t, problems)
	require.Equal(t, [2]string{lt(300), lt(300)}, [2]string{e.UTMSource, e.UTMTerm}, "the url's UTM tags are derived")
	events := []event.Event{e}
	ingestion.Derive("", events)
	payload, err := event.Marshal(events)
	require.NoError(t, err)
	t.Logf("largest event: body %d bytes, message %d bytes", len(body), len(payload))
	require.LessOrEqual(t, len(payload), ingestion.MaxMessageBytes)
}

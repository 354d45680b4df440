package ingestion_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// An Events API event gets its cookieless visitor from the client's address (X-Forwarded-For from a
// trusted proxy) and User-Agent exactly as POST /event's do: the same client on the same site is one
// visitor whichever endpoint it calls.
func TestEventsAPIVisitorsAreThoseOfPostEvent(t *testing.T) {
	t.Parallel()
	s := newVisitorServer(t, time.Now, slog.New(slog.DiscardHandler))
	a := decodeAccepted(t, s.postFrom(t, "/event", "203.0.113.7", "Firefox",
		eventJSON(map[string]any{"site_id": "shop", "user_id": nil, "timestamp": nil})))
	viaEvent := s.streamEvent(t, a.QueuedID, a.EventID).VisitorID

	header := http.Header{"Content-Type": {"text/plain"}, "X-Forwarded-For": {"203.0.113.7"}, "User-Agent": {"Firefox"}}
	requireOK(t, doWith(t, http.MethodPost, s.url+"/api/event", header, `{"n":"pageview","u":"https://shop.example/","d":"shop,other"}`))
	header.Set("X-Forwarded-For", "203.0.113.8")
	requireOK(t, doWith(t, http.MethodPost, s.url+"/api/event", header, `{"n":"pageview","u":"https://shop.example/","d":"shop"}`))
	events := s.allStreamEvents(t)
	require.Len(t, events, 4)

	salt := s.saltOf(t, visitor.Day(events[1].Timestamp, time.UTC))
	require.Equal(t, visitor.Cookieless(salt, "shop", "203.0.113.7", "Firefox"), viaEvent)
	require.Equal(t, viaEvent, events[1].VisitorID, "the same client on the same site is one visitor")
	require.Equal(t, visitor.Cookieless(salt, "other", "203.0.113.7", "Firefox"), events[2].VisitorID)
	require.Equal(t, visitor.Cookieless(salt, "shop", "203.0.113.8", "Firefox"), events[3].VisitorID)
}

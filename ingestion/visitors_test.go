package ingestion_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// yesterday is midnight UTC of the date before today's: events of that date are in the past, so
// ingestion accepts them whatever the visitors' clock says.
func yesterday() time.Time {
	return visitor.Day(time.Now(), time.UTC).AddDate(0, 0, -1)
}

func fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestEventsGetTheirVisitors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := yesterday().Add(19 * time.Hour) // 00:30 of today in Kolkata, 15:00 of yesterday in New York
	s := newVisitorServer(t, fixed(at), slog.New(slog.DiscardHandler))
	_, err := sites.NewStore(s.pool).Create(ctx, "in.example", "Asia/Kolkata")
	require.NoError(t, err)
	stamp := at.Format(time.RFC3339)

	postOne := func(t *testing.T, ip, ua string, changes map[string]any) int64 {
		t.Helper()
		changes["timestamp"] = stamp
		if _, ok := changes["user_id"]; !ok {
			changes["user_id"] = nil
		}
		a := decodeAccepted(t, s.postFrom(t, "/event", ip, ua, eventJSON(changes)))
		return s.streamEvent(t, a.QueuedID, a.EventID).VisitorID
	}
	// The salts are created on demand by the first event of their date.
	first := postOne(t, "203.0.113.7", "Firefox", map[string]any{"site_id": "utc.example"})
	again := postOne(t, "203.0.113.7", "Firefox", map[string]any{"site_id": "utc.example", "path": "/other"})
	chrome := postOne(t, "203.0.113.7", "Chrome", map[string]any{"site_id": "utc.example"})
	otherIP := postOne(t, "203.0.113.8", "Firefox", map[string]any{"site_id": "utc.example"})
	kolkata := postOne(t, "203.0.113.7", "Firefox", map[string]any{"site_id": "in.example"})
	user := postOne(t, "203.0.113.7", "Firefox", map[string]any{"site_id": "utc.example", "user_id": "u-1"})
	forwarded := postOne(t, "203.0.113.7", "Go-http-client/1.1", map[string]any{"site_id": "utc.example", "user_agent": "Firefox"})
	saltUTC := s.saltOf(t, yesterday())
	saltKolkata := s.saltOf(t, yesterday().AddDate(0, 0, 1))
	require.NotEqual(t, saltUTC, saltKolkata)

	require.Equal(t, visitor.Cookieless(saltUTC, "utc.example", "203.0.113.7", "Firefox"), first)
	require.Equal(t, first, again, "one client, one site, one date: one visitor")
	require.Equal(t, visitor.Cookieless(saltUTC, "utc.example", "203.0.113.7", "Chrome"), chrome)
	require.Equal(t, visitor.Cookieless(saltUTC, "utc.example", "203.0.113.8", "Firefox"), otherIP)
	require.Equal(t, visitor.Cookieless(saltKolkata, "in.example", "203.0.113.7", "Firefox"), kolkata,
		"a Kolkata site's event of the same instant is of the next date, and takes that date's salt")
	require.Equal(t, visitor.FromUser("utc.example", "u-1"), user)
	require.Equal(t, first, forwarded, "a server-side sender's user_agent field is the client's user agent, not its own header")

	late := yesterday().AddDate(0, 0, -3).Format(time.RFC3339)
	a := decodeAccepted(t, s.postFrom(t, "/event", "203.0.113.7", "Firefox",
		eventJSON(map[string]any{"site_id": "utc.example", "user_id": nil, "timestamp": late, "event_id": "late-1"})))
	require.Equal(t, visitor.FromEvent("utc.example", "late-1"), s.streamEvent(t, a.QueuedID, a.EventID).VisitorID,
		"an event whose date's salt is gone is a visitor of its own")

	body := fmt.Sprintf(`[%s,%s,%s]`,
		eventJSON(map[string]any{"site_id": "utc.example", "user_id": nil, "timestamp": stamp, "event_id": "b-1"}),
		eventJSON(map[string]any{"site_id": "in.example", "user_id": nil, "timestamp": stamp, "event_id": "b-2"}),
		eventJSON(map[string]any{"site_id": "in.example", "user_id": "u-2", "timestamp": stamp, "event_id": "b-3"}))
	res := s.postFrom(t, "/events", "198.51.100.1", "Safari", body)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	batch := decodeBatch(t, res)
	want := map[string]int64{
		"b-1": visitor.Cookieless(saltUTC, "utc.example", "198.51.100.1", "Safari"),
		"b-2": visitor.Cookieless(saltKolkata, "in.example", "198.51.100.1", "Safari"),
		"b-3": visitor.FromUser("in.example", "u-2"),
	}
	for _, r := range batch.Results {
		require.Equal(t, want[r.EventID], s.streamEvent(t, r.QueuedID, r.EventID).VisitorID, r.EventID)
	}
}

// TestPostgresDownWithoutSaltQueuesNothing: an anonymous event whose salt no cache holds cannot be given
// its visitor while Postgres is down; the request gets a 503 like a broker outage and nothing is queued.
// An event with a user_id needs no salt and is queued.
func TestPostgresDownWithoutSaltQueuesNothing(t *testing.T) {
	t.Parallel()
	s := newVisitorServer(t, fixed(yesterday().Add(19*time.Hour)), slog.New(slog.DiscardHandler))
	s.proxy.Cut()
	stamp := yesterday().Add(19 * time.Hour).Format(time.RFC3339)

	res := s.postFrom(t, "/event", "203.0.113.7", "Firefox", eventJSON(map[string]any{"user_id": nil, "timestamp": stamp}))
	requireError(t, res, http.StatusServiceUnavailable, "visitors cannot be identified")
	require.Equal(t, "1", res.header.Get("Retry-After"))
	res = s.postFrom(t, "/events", "203.0.113.7", "Firefox", "["+eventJSON(map[string]any{"user_id": nil, "timestamp": stamp})+"]")
	requireError(t, res, http.StatusServiceUnavailable, "visitors cannot be identified")
	require.Zero(t, s.streamLen(t), "nothing queued")
	require.Equal(t, http.StatusServiceUnavailable, s.get(t, "/ready").status)

	a := decodeAccepted(t, s.postFrom(t, "/event", "203.0.113.7", "Firefox", eventJSON(map[string]any{"timestamp": stamp})))
	require.Equal(t, visitor.FromUser("site-abc-123", "user-xyz-789"), s.streamEvent(t, a.QueuedID, a.EventID).VisitorID)
}

// TestCachedSaltsServeWhilePostgresIsDown: once the zones and the salts of every current date are
// cached, Postgres going away changes nothing for ingestion, its readiness included.
func TestCachedSaltsServeWhilePostgresIsDown(t *testing.T) {
	t.Parallel()
	at := yesterday().Add(19 * time.Hour)
	s := newVisitorServer(t, fixed(at), slog.New(slog.DiscardHandler))
	_, err := sites.NewStore(s.pool).Create(context.Background(), "in.example", "Asia/Kolkata")
	require.NoError(t, err)
	require.NoError(t, s.visitors.Refresh(context.Background()))
	salt := s.saltOf(t, yesterday().AddDate(0, 0, 1))
	s.proxy.Cut()

	require.Equal(t, http.StatusOK, s.get(t, "/ready").status)
	a := decodeAccepted(t, s.postFrom(t, "/event", "203.0.113.7", "Firefox",
		eventJSON(map[string]any{"site_id": "in.example", "user_id": nil, "timestamp": at.Format(time.RFC3339)})))
	require.Equal(t, visitor.Cookieless(salt, "in.example", "203.0.113.7", "Firefox"), s.streamEvent(t, a.QueuedID, a.EventID).VisitorID)
	require.Error(t, s.visitors.Refresh(context.Background()), "Postgres is really gone")
}

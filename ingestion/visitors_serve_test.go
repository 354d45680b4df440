package ingestion_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// TestServeRefreshesSaltsAndZones runs ingestion as its main does, with DATABASE_URL: the salts of the
// current dates exist before any event, and a site registered after start-up is dated in its zone once
// SITES_REFRESH_INTERVAL has passed.
func TestServeRefreshesSaltsAndZones(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	msgCfg := testenv.Messaging(t)
	dbURL := testenv.DatabaseURL(t)
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	s := server{url: serveConfig(t, ingestion.Config{Messaging: msgCfg,
		Visitors: ingestion.VisitorConfig{DatabaseURL: dbURL, RefreshInterval: 20 * time.Millisecond}}),
		stream: msgCfg.Stream, redis: testenv.RedisClient(t, msgCfg)}

	today := visitor.Day(time.Now(), time.UTC)
	require.Eventually(t, func() bool {
		var n int
		return pool.QueryRow(ctx, `SELECT count(*) FROM visitor_salts WHERE day = $1`, today).Scan(&n) == nil && n == 1
	}, 10*time.Second, 10*time.Millisecond, "the refresh creates today's salt before any event needs it")
	require.Equal(t, http.StatusOK, s.get(t, "/ready").status)

	// 23:00 UTC of yesterday is 04:30 of today in Kolkata: dated in UTC, the event takes yesterday's salt
	// (or none, after 12:00 UTC), not today's.
	at := today.Add(-time.Hour).Format(time.RFC3339)
	var salt []byte
	require.NoError(t, pool.QueryRow(ctx, `SELECT salt FROM visitor_salts WHERE day = $1`, today).Scan(&salt))
	want := visitor.Cookieless(salt, "in.example", "127.0.0.1", "Go-http-client/1.1")
	a := decodeAccepted(t, s.post(t, "/event", jsonType, eventJSON(map[string]any{"site_id": "in.example", "user_id": nil, "timestamp": at})))
	require.NotEqual(t, want, s.streamEvent(t, a.QueuedID, a.EventID).VisitorID, "not registered yet: dated in UTC")

	_, err = sites.NewStore(pool).Create(ctx, "in.example", "Asia/Kolkata")
	require.NoError(t, err)
	// Posted from the test's goroutine (decodeAccepted may fail the test) until the zone has arrived.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		a := decodeAccepted(t, s.post(t, "/event", jsonType, eventJSON(map[string]any{"site_id": "in.example", "user_id": nil, "timestamp": at})))
		got := s.streamEvent(t, a.QueuedID, a.EventID).VisitorID
		if got == want {
			break
		}
		require.True(t, time.Now().Before(deadline), "the new site's zone never reached ingestion: visitor %d, want %d", got, want)
	}
}

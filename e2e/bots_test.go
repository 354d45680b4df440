package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// User agents of the bot test: bots first, then browsers and servers.
const (
	uaGooglebot   = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	uaHeadless    = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.85 Safari/537.36"
	uaUptimeRobot = "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"
	uaChrome      = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	uaIPhone      = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	uaFirefox     = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
)

// Bots' events change neither /stats nor any projection, whether ingestion drops them (the default) or
// keeps them (KEEP_BOT_EVENTS), when they are in raw events with is_bot; servers' events count.
func TestBotsAreNotCounted(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		name := map[bool]string{false: "dropped", true: "kept"}[keep]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ingestionURL, reportingURL, pool := startBotPipeline(t, ingestion.BotConfig{Filter: true, Keep: keep})
			ev := func(typ, path, user string) map[string]any {
				return map[string]any{"site_id": "bots", "event_type": typ, "path": path, "user_id": user, "timestamp": "2025-11-12T10:00:00Z"}
			}
			postAs(t, ingestionURL+"/event", uaGooglebot, ev("page_view", "/bot", "crawler"), !keep)
			postAs(t, ingestionURL+"/events", uaHeadless, []any{ev("page_view", "/bot", "headless"), ev("click", "/a", "u1")}, !keep)
			postAs(t, ingestionURL+"/event", uaUptimeRobot, ev("page_view", "/a", ""), !keep)
			postAs(t, ingestionURL+"/event", uaChrome, ev("page_view", "/a", "u1"), false)
			postAs(t, ingestionURL+"/event", uaIPhone, ev("page_view", "/b", "u2"), false)
			postAs(t, ingestionURL+"/event", "curl/8.5.0", ev("page_view", "/a", "u3"), false)
			postAs(t, ingestionURL+"/events", uaFirefox, []any{ev("click", "/a", "u1")}, false)

			botRows := 0
			if keep {
				botRows = 4
			}
			require.Eventually(t, func() bool {
				var humans, bots int
				err := pool.QueryRow(context.Background(),
					`SELECT count(*) FILTER (WHERE NOT is_bot), count(*) FILTER (WHERE is_bot) FROM events`).Scan(&humans, &bots)
				return err == nil && humans == 4 && bots == botRows
			}, time.Minute, 50*time.Millisecond, "raw events: want 4 of browsers and servers and %d of bots", botRows)

			waitForStats(t, reportingURL, "site_id=bots&date=2025-11-12",
				`{"site_id":"bots","date":"2025-11-12","total_views":3,"unique_users":3,"top_paths":[{"path":"/a","views":2},{"path":"/b","views":1}]}`)
			require.Equal(t, "3 4 3", queryRow(t, pool, `SELECT total_views || ' ' || total_events || ' ' || unique_users FROM daily_aggregates`))
			require.Equal(t, "/a:2 /b:1", queryRow(t, pool, `SELECT string_agg(path || ':' || views, ' ' ORDER BY path) FROM daily_path_views`))
			require.Equal(t, "click:1 page_view:3", queryRow(t, pool, `SELECT string_agg(event_type || ':' || events, ' ' ORDER BY event_type) FROM daily_event_types`))
			require.Equal(t, "u1 u2 u3", queryRow(t, pool, `SELECT string_agg(user_id, ' ' ORDER BY user_id) FROM daily_unique_users`))
		})
	}
}

// startBotPipeline runs ingestion with bots, processor and reporting on Redis until the test ends, and
// returns the two services' URLs and a pool on their database.
func startBotPipeline(t *testing.T, bots ingestion.BotConfig) (string, string, *pgxpool.Pool) {
	t.Helper()
	msgCfg := testenv.Broker(t, messaging.BrokerRedis)
	dbURL := testenv.ProcessorDatabaseURL(t, msgCfg)
	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	ingestLn, reportLn := listen(t), listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 3)
	go func() {
		errs <- ingestion.Serve(ctx, ingestion.Config{Messaging: msgCfg, ShutdownTimeout: shutdownTimeout, Bots: bots}, ingestLn, discard())
	}()
	go func() {
		errs <- processor.Run(ctx, processor.Config{DatabaseURL: dbURL, Concurrency: 4, Messaging: msgCfg, ShutdownTimeout: shutdownTimeout}, discard())
	}()
	go func() {
		errs <- reporting.Serve(ctx, reporting.Config{DatabaseURL: dbURL, ShutdownTimeout: shutdownTimeout}, reportLn, discard())
	}()
	t.Cleanup(func() {
		cancel()
		for range 3 {
			require.NoError(t, <-errs, "a service did not shut down cleanly")
		}
	})
	return "http://" + ingestLn.Addr().String(), "http://" + reportLn.Addr().String(), pool
}

// postAs posts body as JSON with the User-Agent userAgent and requires a 200 success, whose queued ids
// are empty exactly when dropped.
func postAs(t *testing.T, url, userAgent string, body any, dropped bool) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var got struct {
		Success  bool   `json:"success"`
		QueuedID string `json:"queued_id"`
		Results  []struct {
			QueuedID string `json:"queued_id"`
		} `json:"results"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, got.Success)
	ids := []string{got.QueuedID}
	if got.Results != nil {
		ids = ids[:0]
		for _, r := range got.Results {
			ids = append(ids, r.QueuedID)
		}
	}
	for _, id := range ids {
		assert.Equal(t, dropped, id == "", "%s: queued_id %q", userAgent, id)
	}
}

func queryRow(t *testing.T, pool *pgxpool.Pool, sql string) string {
	t.Helper()
	var s string
	require.NoError(t, pool.QueryRow(context.Background(), sql).Scan(&s))
	return s
}

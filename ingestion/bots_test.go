package ingestion_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

const (
	googlebotUA      = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	headlessChromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.85 Safari/537.36"
	chromeUA         = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

// botServer is an ingestion API filtering bots as cfg says, publishing to a test stream of a real Redis.
func botServer(t *testing.T, cfg ingestion.BotConfig) (server, *ingestion.API) {
	t.Helper()
	msgCfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, msgCfg)
	api := ingestion.NewAPI(messaging.NewRedisPublisher(client, msgCfg.PublishTimeout), msgCfg.Stream, nil, slog.New(slog.DiscardHandler))
	t.Cleanup(api.Close)
	require.NoError(t, api.FilterBots(cfg))
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Ingestion, api.Routes()))
	t.Cleanup(srv.Close)
	return server{url: srv.URL, stream: msgCfg.Stream, redis: client}, api
}

// postAs posts body to path with the User-Agent header userAgent; "" sends none.
func (s server) postAs(t *testing.T, path, userAgent, body string) response {
	t.Helper()
	return doWith(t, http.MethodPost, s.url+path, http.Header{"Content-Type": {jsonType}, "User-Agent": {userAgent}}, body)
}

// By default a bot's events are dropped: the answer is the usual success without a queued_id, nothing
// reaches the broker, and the events are counted.
func TestBotEventsAreDropped(t *testing.T) {
	t.Parallel()
	s, api := botServer(t, ingestion.BotConfig{Filter: true})

	r := s.postAs(t, "/event", googlebotUA, eventJSON(map[string]any{"event_id": "from-googlebot"}))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.JSONEq(t, `{"success":true,"queued_id":"","event_id":"from-googlebot"}`, string(r.body))
	require.Equal(t, "bot", r.header.Get("X-Events-Dropped"))

	batch := `[` + eventJSON(nil) + `,` + eventJSON(map[string]any{"path": "/b"}) + `,` + eventJSON(map[string]any{"site_id": ""}) + `]`
	r = s.postAs(t, "/events", headlessChromeUA, batch)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	answer := decodeBatch(t, r)
	require.Equal(t, 2, answer.Accepted)
	require.Equal(t, 1, answer.Rejected)
	for _, res := range answer.Results[:2] {
		require.Empty(t, res.QueuedID)
		require.NotEmpty(t, res.EventID)
	}
	require.Zero(t, s.streamLen(t), "a bot's event reached the broker")
	dropped, kept := api.BotEvents()
	require.Equal(t, [2]uint64{3, 0}, [2]uint64{dropped, kept})

	// Browsers and servers are not bots, whatever a body claims.
	for _, ua := range []string{chromeUA, "curl/8.5.0", "python-requests/2.32.3", "Go-http-client/1.1", "node", ""} {
		a := decodeAccepted(t, s.postAs(t, "/event", ua, eventJSON(map[string]any{"bot": true})))
		require.False(t, s.streamEvent(t, a.QueuedID, a.EventID).Bot, ua)
	}
	dropped, kept = api.BotEvents()
	require.Equal(t, [2]uint64{3, 0}, [2]uint64{dropped, kept})
}

// With KEEP_BOT_EVENTS a bot's events are published marked as bots'.
func TestBotEventsAreKeptMarked(t *testing.T) {
	t.Parallel()
	s, api := botServer(t, ingestion.BotConfig{Filter: true, Keep: true})

	a := decodeAccepted(t, s.postAs(t, "/event", googlebotUA, eventJSON(map[string]any{"bot": false})))
	require.True(t, s.streamEvent(t, a.QueuedID, a.EventID).Bot)

	r := s.postAs(t, "/events", headlessChromeUA, `[`+eventJSON(nil)+`,`+eventJSON(map[string]any{"path": "/b"})+`]`)
	answer := decodeBatch(t, r)
	require.Equal(t, 2, answer.Accepted)
	for _, res := range answer.Results {
		require.True(t, s.streamEvent(t, res.QueuedID, res.EventID).Bot)
	}

	a = decodeAccepted(t, s.postAs(t, "/event", chromeUA, eventJSON(nil)))
	require.False(t, s.streamEvent(t, a.QueuedID, a.EventID).Bot)
	dropped, kept := api.BotEvents()
	require.Equal(t, [2]uint64{0, 3}, [2]uint64{dropped, kept})
}

// With BOT_FILTERING off a bot's events count like any other.
func TestBotFilteringOff(t *testing.T) {
	t.Parallel()
	s, api := botServer(t, ingestion.BotConfig{Filter: false, Keep: true})
	a := decodeAccepted(t, s.postAs(t, "/event", googlebotUA, eventJSON(nil)))
	require.False(t, s.streamEvent(t, a.QueuedID, a.EventID).Bot)
	dropped, kept := api.BotEvents()
	require.Equal(t, [2]uint64{0, 0}, [2]uint64{dropped, kept})
}

// BenchmarkPostEventBots measures POST /event over a broker that costs nothing, without bot filtering
// and with it, for a browser's request (classified, then published) and a bot's (dropped).
func BenchmarkPostEventBots(b *testing.B) {
	body := []byte(eventJSON(nil))
	for _, bc := range []struct {
		name      string
		filter    bool
		userAgent string
	}{
		{"off/chrome", false, chromeUA}, {"on/chrome", true, chromeUA}, {"on/googlebot", true, googlebotUA},
	} {
		b.Run(bc.name, func(b *testing.B) {
			api := ingestion.NewAPI(nopPublisher{}, "bench", nil, slog.New(slog.DiscardHandler))
			b.Cleanup(api.Close)
			require.NoError(b, api.FilterBots(ingestion.BotConfig{Filter: bc.filter}))
			handler := api.Routes()
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/event", bytes.NewReader(body))
				req.Header.Set("Content-Type", jsonType)
				req.Header.Set("User-Agent", bc.userAgent)
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code, rec.Body.String())
				}
			}
		})
	}
}

// KEEP_BOT_EVENTS without BOT_FILTERING would keep nothing: the configuration is refused, naming both.
func TestConfigRefusesKeepingBotsWithoutFiltering(t *testing.T) {
	t.Parallel()
	cfg, err := env.ParseAsWithOptions[ingestion.Config](env.Options{Environment: map[string]string{"BOT_FILTERING": "false", "KEEP_BOT_EVENTS": "true"}})
	require.NoError(t, err)
	require.ErrorContains(t, cfg.Validate(), "KEEP_BOT_EVENTS=true needs BOT_FILTERING=true")
	cfg, err = env.ParseAsWithOptions[ingestion.Config](env.Options{Environment: map[string]string{"KEEP_BOT_EVENTS": "true"}})
	require.NoError(t, err)
	require.NoError(t, cfg.Validate())
}

package ingestion_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// corsServer is the ingestion API checking the allowed origins of a test database's sites, where
// "locked" takes only https://shop.example and http://localhost:8080, and "open" (registered without
// a list) and every unregistered site take any origin.
type corsServer struct {
	server
	pool    *pgxpool.Pool
	origins *sites.Origins
}

func newCORSServer(t *testing.T) corsServer {
	t.Helper()
	ctx := context.Background()
	pool := testenv.Database(t)
	store := sites.NewStore(pool)
	for _, id := range []string{"locked", "open"} {
		_, err := store.Create(ctx, id, "UTC")
		require.NoError(t, err)
	}
	origins, err := sites.ParseOrigins("https://shop.example, http://LOCALHOST:8080")
	require.NoError(t, err)
	_, err = store.SetAllowedOrigins(ctx, "locked", origins)
	require.NoError(t, err)

	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	api := ingestion.NewAPI(messaging.NewRedisPublisher(client, cfg.PublishTimeout), cfg.Stream, nil, slog.New(slog.DiscardHandler))
	t.Cleanup(api.Close)
	checked := sites.NewOrigins(pool)
	api.CheckOrigins(checked)
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Ingestion, api.Routes()))
	t.Cleanup(srv.Close)
	return corsServer{server: server{url: srv.URL, stream: cfg.Stream, redis: client}, pool: pool, origins: checked}
}

// postFromOrigin posts body to path as a browser at origin does ("" sends no Origin, as servers do).
func (s corsServer) postFromOrigin(t *testing.T, path, origin, contentType, body string) response {
	t.Helper()
	header := http.Header{"Content-Type": {contentType}, "User-Agent": {chromeUA}}
	if origin != "" {
		header.Set("Origin", origin)
	}
	return doWith(t, http.MethodPost, s.url+path, header, body)
}

// Preflights of the endpoints a browser posts to are answered for any origin: the site is known only
// from the body.
func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	s := newCORSServer(t)
	for _, path := range []string{"/event", "/events", "/api/event"} {
		t.Run(path[1:], func(t *testing.T) {
			t.Parallel()
			for _, origin := range []string{"https://shop.example", "https://elsewhere.example"} {
				header := http.Header{"Origin": {origin}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type"}}
				r := doWith(t, http.MethodOptions, s.url+path, header, "")
				require.Equal(t, http.StatusNoContent, r.status, "body: %s", r.body)
				require.Equal(t, "*", r.header.Get("Access-Control-Allow-Origin"))
				require.Equal(t, "POST", r.header.Get("Access-Control-Allow-Methods"))
				require.Equal(t, "Content-Type", r.header.Get("Access-Control-Allow-Headers"))
				require.Equal(t, "86400", r.header.Get("Access-Control-Max-Age"))
				require.Empty(t, r.body)
			}
		})
	}
}

// A site without a list takes any origin, answered "*"; a site with one takes the origins it lists,
// answered with that origin and Vary: Origin, and refuses the others 403 without an Allow-Origin, nothing
// published. Requests without an Origin (servers) are not browsers' and are not checked.
func TestCORSAllowedOrigins(t *testing.T) {
	t.Parallel()
	s := newCORSServer(t)
	plausible := func(site string) string { return `{"n":"pageview","u":"https://shop.example/","d":"` + site + `"}` }
	event := func(site string) string { return eventJSON(map[string]any{"site_id": site}) }
	batch := func(sites ...string) string {
		body := "["
		for i, site := range sites {
			if i > 0 {
				body += ","
			}
			body += event(site)
		}
		return body + "]"
	}
	cases := []struct {
		name, path, origin, body string
		status                   int
		allowOrigin              string // "" for none
		vary                     bool
	}{
		{name: "open_site_any_origin", path: "/api/event", origin: "https://elsewhere.example", body: plausible("open"), status: 202, allowOrigin: "*"},
		{name: "unregistered_site_any_origin", path: "/event", origin: "https://elsewhere.example", body: event("nobody"), status: 200, allowOrigin: "*"},
		{name: "locked_site_listed_origin", path: "/api/event", origin: "https://shop.example", body: plausible("locked"), status: 202, allowOrigin: "https://shop.example", vary: true},
		{name: "locked_site_listed_origin_with_port", path: "/event", origin: "http://localhost:8080", body: event("locked"), status: 200, allowOrigin: "http://localhost:8080", vary: true},
		{name: "locked_site_other_origin", path: "/api/event", origin: "https://elsewhere.example", body: plausible("locked"), status: 403, vary: true},
		{name: "locked_site_other_port", path: "/event", origin: "http://localhost:3000", body: event("locked"), status: 403, vary: true},
		{name: "locked_site_null_origin", path: "/event", origin: "null", body: event("locked"), status: 403, vary: true},
		{name: "locked_site_without_origin", path: "/event", origin: "", body: event("locked"), status: 200, allowOrigin: "*"},
		{name: "multi_domain_one_locked", path: "/api/event", origin: "https://elsewhere.example", body: plausible("open,locked"), status: 403, vary: true},
		{name: "batch_one_locked", path: "/events", origin: "https://elsewhere.example", body: batch("open", "locked"), status: 403, vary: true},
		{name: "batch_listed_origin", path: "/events", origin: "https://shop.example", body: batch("open", "locked"), status: 200, allowOrigin: "https://shop.example", vary: true},
		{name: "invalid_body_readable_by_any_origin", path: "/api/event", origin: "https://elsewhere.example", body: `{"n":"pageview"}`, status: 400, allowOrigin: "*"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := s.postFromOrigin(t, tc.path, tc.origin, "text/plain", tc.body)
			require.Equal(t, tc.status, r.status, "body: %s", r.body)
			require.Equal(t, tc.allowOrigin, r.header.Get("Access-Control-Allow-Origin"))
			if tc.vary {
				require.Contains(t, r.header.Values("Vary"), "Origin")
			} else {
				require.NotContains(t, r.header.Values("Vary"), "Origin")
			}
			if tc.status == http.StatusForbidden {
				requireError(t, r, http.StatusForbidden, "may not send events to site")
			}
		})
	}
	t.Cleanup(func() {
		for _, e := range s.allStreamEvents(t) {
			require.NotEqual(t, "elsewhere", e.SiteID)
		}
	})
}

// A list changed in Postgres applies once the origins are refreshed, as the zones are.
func TestCORSOriginsRefresh(t *testing.T) {
	t.Parallel()
	s := newCORSServer(t)
	ctx := context.Background()
	body := `{"n":"pageview","u":"https://shop.example/","d":"open"}`
	require.Equal(t, http.StatusAccepted, s.postFromOrigin(t, "/api/event", "https://elsewhere.example", "text/plain", body).status)
	_, err := sites.NewStore(s.pool).SetAllowedOrigins(ctx, "open", []string{"https://shop.example"})
	require.NoError(t, err)
	require.NoError(t, s.origins.Refresh(ctx))
	require.Equal(t, http.StatusForbidden, s.postFromOrigin(t, "/api/event", "https://elsewhere.example", "text/plain", body).status)
	_, err = sites.NewStore(s.pool).SetAllowedOrigins(ctx, "open", nil)
	require.NoError(t, err)
	require.NoError(t, s.origins.Refresh(ctx))
	r := s.postFromOrigin(t, "/api/event", "https://elsewhere.example", "text/plain", body)
	require.Equal(t, http.StatusAccepted, r.status)
	require.Equal(t, "*", r.header.Get("Access-Control-Allow-Origin"))
}

// TestServeChecksOrigins runs ingestion as its main does, with DATABASE_URL: a list of allowed origins
// set after start-up applies once SITES_REFRESH_INTERVAL has passed.
func TestServeChecksOrigins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	msgCfg := testenv.Messaging(t)
	dbURL := testenv.DatabaseURL(t)
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	s := corsServer{server: server{url: serveConfig(t, ingestion.Config{Messaging: msgCfg,
		Visitors: ingestion.VisitorConfig{DatabaseURL: dbURL, RefreshInterval: 20 * time.Millisecond}}),
		stream: msgCfg.Stream, redis: testenv.RedisClient(t, msgCfg)}}
	store := sites.NewStore(pool)
	_, err = store.Create(ctx, "shop", "UTC")
	require.NoError(t, err)
	body := `{"n":"pageview","u":"https://shop.example/","d":"shop"}`
	r := s.postFromOrigin(t, "/api/event", "https://elsewhere.example", "text/plain", body)
	require.Equal(t, http.StatusAccepted, r.status, "body: %s", r.body)
	require.Equal(t, "*", r.header.Get("Access-Control-Allow-Origin"))

	_, err = store.SetAllowedOrigins(ctx, "shop", []string{"https://shop.example"})
	require.NoError(t, err)
	// Posted from the test's goroutine (doWith may fail the test) until the list has arrived.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		status := s.postFromOrigin(t, "/api/event", "https://elsewhere.example", "text/plain", body).status
		if status == http.StatusForbidden {
			break
		}
		require.True(t, time.Now().Before(deadline), "the list never reached ingestion: answered %d", status)
	}
	r = s.postFromOrigin(t, "/api/event", "https://shop.example", "text/plain", body)
	require.Equal(t, http.StatusAccepted, r.status, "body: %s", r.body)
	require.Equal(t, "https://shop.example", r.header.Get("Access-Control-Allow-Origin"))
}

// The tracker script is the same for every site: it is readable from any origin (fetch, or a script
// tag with crossorigin), also by pages of a site that lists its origins.
func TestCORSTrackerScript(t *testing.T) {
	t.Parallel()
	s := newCORSServer(t)
	for _, origin := range []string{"https://shop.example", "https://elsewhere.example"} {
		r := doWith(t, http.MethodGet, s.url+"/js/script.js", http.Header{"Origin": {origin}}, "")
		require.Equal(t, http.StatusOK, r.status)
		require.Equal(t, "*", r.header.Get("Access-Control-Allow-Origin"))
		require.NotContains(t, r.header.Values("Vary"), "Origin")
	}
}

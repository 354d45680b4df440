package ingestion_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/clientip"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// pgProxy forwards TCP connections to Postgres until Cut, which closes every connection and refuses new
// ones: Postgres going away, as ingestion sees it.
type pgProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	cut   bool
}

// newPGProxy proxies to the Postgres of dbURL and returns the proxy and a URL of the same database
// through it.
func newPGProxy(t *testing.T, dbURL string) (*pgProxy, string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	target := u.Host
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &pgProxy{ln: ln}
	t.Cleanup(p.Cut)
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil || !p.track(client, server) {
				client.Close()
				continue
			}
			go func() { _, _ = io.Copy(server, client); server.Close() }()
			go func() { _, _ = io.Copy(client, server); client.Close() }()
		}
	}()
	u.Host = ln.Addr().String()
	return p, u.String()
}

func (p *pgProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, conns...)
	return true
}

// Cut closes the proxy and every connection through it.
func (p *pgProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}

// visitorServer is the ingestion API identifying visitors from a test database through a pgProxy,
// publishing to a test stream of the real Redis, with the loopback trusted as a proxy so that
// X-Forwarded-For names the client.
type visitorServer struct {
	server
	pool     *pgxpool.Pool // the test database, directly
	proxy    *pgProxy
	visitors *ingestion.Visitors
}

func newVisitorServer(t *testing.T, now func() time.Time, log *slog.Logger) visitorServer {
	t.Helper()
	dbURL := testenv.DatabaseURL(t)
	proxy, proxied := newPGProxy(t, dbURL)
	direct, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(direct.Close)
	through, err := pgxpool.New(context.Background(), proxied)
	require.NoError(t, err)
	t.Cleanup(through.Close)

	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	ready := func(ctx context.Context) error { return messaging.PingRedis(ctx, client) }
	api := ingestion.NewAPI(messaging.NewRedisPublisher(client, cfg.PublishTimeout), cfg.Stream, ready, log)
	t.Cleanup(api.Close)
	var trusted clientip.Trusted
	require.NoError(t, trusted.UnmarshalText([]byte("127.0.0.0/8,::1")))
	api.TrustProxies(trusted)
	visitors := ingestion.NewVisitors(through, now, log)
	api.IdentifyVisitors(visitors)
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Ingestion, api.Routes()))
	t.Cleanup(srv.Close)
	return visitorServer{server: server{url: srv.URL, stream: cfg.Stream, redis: client}, pool: direct, proxy: proxy, visitors: visitors}
}

// postFrom posts body to path as the client at ip with user agent ua.
func (s visitorServer) postFrom(t *testing.T, path, ip, ua, body string) response {
	t.Helper()
	return doWith(t, http.MethodPost, s.url+path, http.Header{"Content-Type": {jsonType}, "X-Forwarded-For": {ip}, "User-Agent": {ua}}, body)
}

// saltOf returns the salt of day as Postgres holds it.
func (s visitorServer) saltOf(t *testing.T, day time.Time) []byte {
	t.Helper()
	var salt []byte
	require.NoError(t, s.pool.QueryRow(context.Background(), `SELECT salt FROM visitor_salts WHERE day = $1`, day).Scan(&salt))
	return salt
}

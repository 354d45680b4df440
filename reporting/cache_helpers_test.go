package reporting_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// cachedServer is the reporting API with a stats cache whose listener runs until the test ends.
type cachedServer struct {
	url   string
	pool  *pgxpool.Pool
	cache *reporting.StatsCache
	// unreachable, while set, makes the listener's connection attempts fail.
	unreachable atomic.Bool
}

// newCachedServer serves the API with a cache of size answers on a fresh database holding events, once
// the cache listens.
func newCachedServer(t testing.TB, size int, events ...event.Event) *cachedServer {
	t.Helper()
	pool := testenv.Database(t)
	if len(events) > 0 {
		_, err := processor.NewStore(pool).Apply(context.Background(), events)
		require.NoError(t, err)
	}
	return startCachedServer(t, pool, size, reporting.NewStore(pool))
}

// startCachedServer serves the API reading stats through a cache of size answers on pool's database,
// stale by at most hitStaleness.
func startCachedServer(t testing.TB, pool *pgxpool.Pool, size int, stats reporting.StatsReader) *cachedServer {
	t.Helper()
	return startCachedServerListening(t, pool, pool.Config().ConnConfig, size, hitStaleness, stats)
}

// startCachedServerListening is startCachedServer with the cache's listener connecting with cfg, and
// answers stale by at most maxStale.
func startCachedServerListening(t testing.TB, pool *pgxpool.Pool, cfg *pgx.ConnConfig, size int, maxStale time.Duration, stats reporting.StatsReader) *cachedServer {
	t.Helper()
	s := &cachedServer{pool: pool, cache: reporting.NewStatsCache(size, maxStale)}
	cfg.ValidateConnect = func(context.Context, *pgconn.PgConn) error {
		if s.unreachable.Load() {
			return errors.New("the test keeps the listener away")
		}
		return nil
	}
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.cache.Listen(ctx, cfg, log)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Reporting, reporting.NewAPI(stats, s.cache, pool.Ping, log).Routes()))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	require.Eventually(t, s.cache.Listening, 10*time.Second, 5*time.Millisecond, "the cache never listened")
	return s
}

// stats answers GET /stats?query.
func (s *cachedServer) stats(t *testing.T, query string) stats {
	t.Helper()
	return decodeStats(t, get(t, s.url, "/stats", query))
}

// eventually polls GET /stats?query until it answers want.
func (s *cachedServer) eventually(t *testing.T, query string, want stats) {
	t.Helper()
	var last stats
	require.Eventually(t, func() bool {
		last = decodeStats(t, get(t, s.url, "/stats", query))
		return equalStats(last, want)
	}, 10*time.Second, 5*time.Millisecond, "last answer to %s: %+v", query, &last)
}

// exec runs sql on the test database.
func (s *cachedServer) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	_, err := s.pool.Exec(context.Background(), sql, args...)
	require.NoError(t, err)
}

// apply projects events as the processor does.
func (s *cachedServer) apply(t *testing.T, events ...event.Event) {
	t.Helper()
	_, err := processor.NewStore(s.pool).Apply(context.Background(), events)
	require.NoError(t, err)
}

// addViewsUnseen adds 100 views to each path of a site-day in daily_path_views alone, which notifies
// nothing: a cached answer does not show them, one read from Postgres does.
func (s *cachedServer) addViewsUnseen(t *testing.T, siteID, day string) {
	t.Helper()
	s.exec(t, `UPDATE daily_path_views SET views = views + 100 WHERE site_id = $1 AND day = $2`, siteID, day)
}

// listenerPID returns the backend of the cache's LISTEN connection.
func (s *cachedServer) listenerPID(t *testing.T) int32 {
	t.Helper()
	var pid int32
	err := s.pool.QueryRow(context.Background(),
		`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`).Scan(&pid)
	require.NoError(t, err)
	return pid
}

func equalStats(a, b stats) bool {
	return a.SiteID == b.SiteID && a.Date == b.Date && a.TotalViews == b.TotalViews && a.UniqueUsers == b.UniqueUsers &&
		slices.Equal(a.TopPaths, b.TopPaths)
}

package reporting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/internal/apikeys"
	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/envdefault"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

// Config is the reporting service's configuration; fields carry their environment names.
type Config struct {
	Port            int           `env:"REPORTING_PORT" envDefault:"3001"`
	DatabaseURL     string        `env:"DATABASE_URL" envDefault:"postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"15s"`
	// StatsCacheSize is how many /stats answers are cached (see StatsCache); 0 turns the cache off.
	StatsCacheSize int `env:"STATS_CACHE_SIZE" envDefault:"10000" zero:"valid"`
	// StatsCacheMaxStaleness is the longest a cached answer outlives a commit that changed it, however the
	// cache's connection to Postgres fails; the cache probes that connection four times as often.
	StatsCacheMaxStaleness time.Duration `env:"STATS_CACHE_MAX_STALENESS" envDefault:"250ms"`
	// StatementTimeout is Postgres's statement_timeout on reporting's connections, so a query whose client
	// has gone cannot run on and hold a connection.
	StatementTimeout time.Duration `env:"PG_STATEMENT_TIMEOUT" envDefault:"30s"`
	// SitesRefreshInterval is how often the sites' time zones are read again: /stats without a date
	// answers the site's today in its zone.
	SitesRefreshInterval time.Duration `env:"SITES_REFRESH_INTERVAL" envDefault:"10s"`
	// StatsRequireKey puts GET /stats behind the query API's keys (apikeys.Guard, site from the query
	// string); false keeps it open to everyone, as the seed's was.
	StatsRequireKey bool `env:"STATS_REQUIRE_KEY" envDefault:"false"`
	// APIKeys is the keys' hourly budget and cache.
	APIKeys apikeys.Config `envPrefix:""`
}

// SetDefaults gives every unset field its environment default, except StatsCacheSize, where 0 is a
// setting (no cache).
func (c *Config) SetDefaults() {
	envdefault.Fill(c)
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.Port < 0 || c.Port > 65535:
		return fmt.Errorf("REPORTING_PORT=%d: not a port", c.Port)
	case c.DatabaseURL == "":
		return errors.New("DATABASE_URL is empty")
	case c.ShutdownTimeout <= 0:
		return errors.New("SHUTDOWN_TIMEOUT must be positive")
	case c.StatsCacheSize < 0:
		return fmt.Errorf("STATS_CACHE_SIZE=%d: must be 0 (off) or more", c.StatsCacheSize)
	case c.SitesRefreshInterval <= 0:
		return errors.New("SITES_REFRESH_INTERVAL must be positive")
	case c.StatementTimeout < time.Millisecond:
		return errors.New("PG_STATEMENT_TIMEOUT must be positive")
	case c.StatsCacheSize > 0 && c.StatsCacheMaxStaleness < 20*time.Millisecond:
		return fmt.Errorf("STATS_CACHE_MAX_STALENESS=%s: must be at least 20ms", c.StatsCacheMaxStaleness)
	}
	return c.APIKeys.Validate()
}

// Run listens on the configured port and serves until ctx is cancelled.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return Serve(ctx, cfg, ln, log)
}

// Serve waits for Postgres, checks that the schema is current (it does not migrate), answers on ln until
// ctx is cancelled, then finishes requests in flight. Its metrics have a registry of their own.
func Serve(ctx context.Context, cfg Config, ln net.Listener, log *slog.Logger) error {
	return ServeWith(ctx, cfg, ln, metrics.NewRegistry(), log)
}

// ServeWith is Serve recording its metrics into reg, which the caller may share with other services of
// the process; GET /metrics serves all of reg.
func ServeWith(ctx context.Context, cfg Config, ln net.Listener, reg *prometheus.Registry, log *slog.Logger) error {
	defer ln.Close()
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	// Without JIT: reporting's statements are short, and at 10M raw events Postgres spent 0.6-0.8 s of CPU
	// compiling one breakdown (EXPLAIN's JIT timing) that it then ran in about 1.1 s. DATABASE_URL's jit wins.
	dsn := database.WithSetting(database.WithStatementTimeout(cfg.DatabaseURL, cfg.StatementTimeout), "jit", "off")
	pool, err := database.OpenCurrent(ctx, dsn, 0, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	metrics.Register(reg, metrics.NewPoolCollector(service, pool))
	cache, stopCache := startCache(ctx, cfg.StatsCacheSize, cfg.StatsCacheMaxStaleness, pool, log)
	defer stopCache()
	api := NewAPI(NewStore(pool), cache, pool.Ping, log)
	api.Instrument(reg)
	guard := apikeys.NewGuard(apikeys.NewStore(pool), cfg.APIKeys)
	defer guard.Close()
	if cfg.StatsRequireKey {
		api.RequireKey(guard)
	}
	zones := sites.NewZones(pool, log)
	api.CountDaysIn(zones)
	api.AnswerQueries(pool, guard)
	refreshCtx, stopRefresh := context.WithCancel(ctx)
	refreshed := make(chan struct{})
	go func() {
		defer close(refreshed)
		sites.KeepFresh(refreshCtx, cfg.SitesRefreshInterval, zones.Refresh, log, "read sites' time zones")
	}()
	defer func() {
		stopRefresh()
		<-refreshed
	}()
	return httpapi.Serve(ctx, ln, api.Routes(), cfg.ShutdownTimeout, log)
}

// startCache returns a stats cache of size answers, stale by at most maxStale, with its listener running
// on a connection of its own, or nil when size is 0; stop ends the listener and waits for it.
func startCache(ctx context.Context, size int, maxStale time.Duration, pool *pgxpool.Pool, log *slog.Logger) (cache *StatsCache, stop func()) {
	if size == 0 {
		return nil, func() {}
	}
	cache = NewStatsCache(size, maxStale)
	connCfg := pool.Config().ConnConfig
	connCfg.RuntimeParams["application_name"] = "reporting stats cache"
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		cache.Listen(ctx, connCfg, log)
	}()
	return cache, func() {
		cancel()
		<-done
	}
}

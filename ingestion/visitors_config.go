package ingestion

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/envdefault"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/sources"
)

// VisitorConfig locates the sites' time zones and the visitor salts that give events their visitors.
type VisitorConfig struct {
	// DatabaseURL is the Postgres of the sites and visitor_salts tables. Only a configuration built in
	// code may leave it empty (zero:"valid" keeps SetDefaults from filling it): events are then published
	// without a VisitorID, as IdentifyVisitors says. Run, which cmd/ingestion calls, refuses it empty.
	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable" zero:"valid"`
	// RefreshInterval is how often the sites' zones are read again and the salts refreshed (created
	// ahead of their date, deleted once expired).
	RefreshInterval time.Duration `env:"SITES_REFRESH_INTERVAL" envDefault:"10s"`
	// WriteKeyCacheTTL is how long what was read of a write key (table sources, same Postgres) is used
	// again: a revoked key still passes for at most that long on each replica.
	WriteKeyCacheTTL time.Duration `env:"SOURCE_KEY_CACHE_TTL" envDefault:"5s"`
}

// SetDefaults gives the zero fields of a configuration built in code the defaults of their tags, but
// for DatabaseURL.
func (c *VisitorConfig) SetDefaults() {
	envdefault.Fill(c)
}

// Validate reports the first setting that cannot work.
func (c VisitorConfig) Validate() error {
	if c.RefreshInterval <= 0 {
		return errors.New("SITES_REFRESH_INTERVAL must be positive")
	}
	if c.WriteKeyCacheTTL <= 0 {
		return errors.New("SOURCE_KEY_CACHE_TTL must be positive")
	}
	return nil
}

// serveVisitors makes a's handlers identify visitors from the Postgres of cfg, check the sites' allowed
// origins there (CheckOrigins) and find the sites of write keys there (AcceptWriteKeys), the first two
// refreshed in the background until stop, which the caller runs once the server has stopped. With no
// DatabaseURL it does nothing.
func (a *API) serveVisitors(ctx context.Context, cfg VisitorConfig, log *slog.Logger) (stop func(), err error) {
	if cfg.DatabaseURL == "" {
		return func() {}, nil
	}
	pool, err := openVisitorsPool(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	visitors := NewVisitors(pool, time.Now, log)
	a.IdentifyVisitors(visitors)
	origins := sites.NewOrigins(pool)
	a.CheckOrigins(origins)
	a.AcceptWriteKeys(sources.NewKeys(sources.NewStore(pool), cfg.WriteKeyCacheTTL))
	refreshCtx, stopRefresh := context.WithCancel(ctx)
	var refreshed sync.WaitGroup
	refreshed.Go(func() { visitors.Run(refreshCtx, cfg.RefreshInterval, log) })
	refreshed.Go(func() {
		sites.KeepFresh(refreshCtx, cfg.RefreshInterval, origins.Refresh, log,
			"sites' allowed origins not refreshed; the lists read before serve")
	})
	return func() {
		stopRefresh()
		refreshed.Wait()
		pool.Close()
	}, nil
}

// openVisitorsPool returns a pool on url that connects when first used, so that ingestion starts while
// Postgres does not answer yet; a url that does not parse is an error at once.
func openVisitorsPool(url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	cfg.MaxConns = 4
	cfg.ConnConfig.ConnectTimeout = lookupTimeout
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres pool: %w", err)
	}
	return pool, nil
}

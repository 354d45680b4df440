package reporting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// Config is the reporting service's configuration; fields carry their environment names.
type Config struct {
	Port            int           `env:"REPORTING_PORT" envDefault:"3001"`
	DatabaseURL     string        `env:"DATABASE_URL" envDefault:"postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"15s"`
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
	}
	return nil
}

// Run listens on the configured port and serves until ctx is cancelled.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return Serve(ctx, cfg, ln, log)
}

// Serve applies migrations, answers on ln until ctx is cancelled, then finishes requests in flight.
func Serve(ctx context.Context, cfg Config, ln net.Listener, log *slog.Logger) error {
	defer ln.Close()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	pool, err := database.OpenMigrated(ctx, cfg.DatabaseURL, 0, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	api := NewAPI(NewStore(pool), pool.Ping, log)
	return httpapi.Serve(ctx, ln, api.Routes(), cfg.ShutdownTimeout, log)
}

package ingestion

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Config is the ingestion service's configuration; fields carry their environment names.
type Config struct {
	Port            int              `env:"INGESTION_PORT" envDefault:"3000"`
	ShutdownTimeout time.Duration    `env:"SHUTDOWN_TIMEOUT" envDefault:"15s"`
	Messaging       messaging.Config `envPrefix:""`
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("INGESTION_PORT=%d: not a port", c.Port)
	}
	if c.ShutdownTimeout <= 0 {
		return errors.New("SHUTDOWN_TIMEOUT must be positive")
	}
	return c.Messaging.Validate()
}

// Run listens on the configured port and serves until ctx is cancelled.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return Serve(ctx, cfg, ln, log)
}

// Serve answers on ln until ctx is cancelled, then finishes requests in flight and returns.
func Serve(ctx context.Context, cfg Config, ln net.Listener, log *slog.Logger) error {
	defer ln.Close()
	cfg.Messaging.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	client := messaging.NewRedisClient(cfg.Messaging, 0)
	defer client.Close()
	if err := messaging.PingRedis(ctx, client); err != nil {
		log.Warn("broker not reachable yet; POST /event answers 503 until it is", "err", err)
	}
	publisher := messaging.NewRedisPublisher(client, cfg.Messaging.PublishTimeout)
	ready := func(ctx context.Context) error { return messaging.PingRedis(ctx, client) }
	api := NewAPI(publisher, cfg.Messaging.Stream, ready, log)
	defer api.Close()
	return httpapi.Serve(ctx, ln, api.Routes(), cfg.ShutdownTimeout, log)
}

package ingestion

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/analytics-pipeline/analytics/internal/clientip"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/messaging"
)

// Config is the ingestion service's configuration; fields carry their environment names.
type Config struct {
	Port            int              `env:"INGESTION_PORT" envDefault:"3000"`
	ShutdownTimeout time.Duration    `env:"SHUTDOWN_TIMEOUT" envDefault:"15s"`
	TrustedProxies  clientip.Trusted `env:"TRUSTED_PROXIES" envDefault:""`
	Bots            BotConfig        `envPrefix:""`
	RateLimit       RateLimitConfig  `envPrefix:""`
	Visitors        VisitorConfig    `envPrefix:""`
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
	if err := c.TrustedProxies.Validate(); err != nil {
		return fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}
	if err := c.RateLimit.Validate(); err != nil {
		return err
	}
	if err := c.Visitors.Validate(); err != nil {
		return err
	}
	if c.Bots.Keep && !c.Bots.Filter {
		return errors.New("KEEP_BOT_EVENTS=true needs BOT_FILTERING=true: with filtering off no event is marked a bot's")
	}
	return c.Messaging.Validate()
}

// Run listens on the configured port and serves until ctx is cancelled. Unlike Serve it refuses a
// configuration without DATABASE_URL: a deployed ingestion identifies visitors.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.Visitors.DatabaseURL == "" {
		return errors.New("config: DATABASE_URL is empty: ingestion reads the sites' time zones and the visitor salts from Postgres")
	}
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return Serve(ctx, cfg, ln, log)
}

// Serve builds the configured broker and answers on ln until ctx is cancelled, then finishes requests in
// flight and returns.
func Serve(ctx context.Context, cfg Config, ln net.Listener, log *slog.Logger) error {
	defer ln.Close()
	cfg.Messaging.SetDefaults()
	cfg.RateLimit.SetDefaults()
	cfg.Visitors.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	broker, err := messaging.NewBroker(cfg.Messaging, log)
	if err != nil {
		return err
	}
	defer broker.Close()
	return ServeOn(ctx, cfg, ln, broker, metrics.NewRegistry(), log)
}

// ServeOn answers on ln, publishing through broker (which the caller owns, and may share with a processor
// in the same process), until ctx is cancelled; then it finishes requests in flight and returns. A broker
// that does not answer yet is no reason to stop (POST /event answers 503 until it does); a broker setting
// that cannot work (ErrBrokerSetting) is.
// Metrics are recorded into reg, which the caller may share with other services of the process, and
// GET /metrics serves all of reg. cfg.Messaging is not used: the broker carries its own configuration.
// With cfg.Visitors.DatabaseURL set, events get their visitors (IdentifyVisitors); Postgres need not
// answer yet, as the broker need not: until it does, events that need it are answered 503.
func ServeOn(ctx context.Context, cfg Config, ln net.Listener, broker *messaging.Broker, reg *prometheus.Registry, log *slog.Logger) error {
	defer ln.Close()
	cfg.Messaging.SetDefaults()
	cfg.RateLimit.SetDefaults()
	cfg.Visitors.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := broker.Ready(ctx); err != nil {
		if errors.Is(err, messaging.ErrBrokerSetting) {
			return err
		}
		log.Warn("broker not reachable yet; POST /event answers 503 until it is", "broker", broker.Name(), "err", err)
	}
	api := NewAPI(broker.Publisher(), broker.Topic(), broker.Ready, log)
	api.limits = newRateLimits(cfg.RateLimit, broker)
	defer api.Close()
	api.TrustProxies(cfg.TrustedProxies)
	api.Instrument(reg)
	if err := api.FilterBots(cfg.Bots); err != nil {
		return err
	}
	stopVisitors, err := api.serveVisitors(ctx, cfg.Visitors, log)
	if err != nil {
		return err
	}
	defer stopVisitors()
	return httpapi.Serve(ctx, ln, api.Routes(), cfg.ShutdownTimeout, log)
}

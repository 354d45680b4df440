package apikeys

import (
	"errors"
	"fmt"
	"time"

	"github.com/analytics-pipeline/analytics/internal/envdefault"
)

// Config is the guard's configuration; fields carry their environment names.
type Config struct {
	// HourlyRequests is each key's budget: a token bucket of that many requests, refilled at that rate
	// per hour, kept in each replica's memory.
	HourlyRequests int `env:"API_KEY_HOURLY_REQUESTS" envDefault:"600"`
	// CacheTTL is how long what was read of a key or a site is used again: a revoked key, or a site made
	// private, still passes for at most that long on each replica.
	CacheTTL time.Duration `env:"API_KEY_CACHE_TTL" envDefault:"5s"`
}

// SetDefaults gives every unset field its environment default.
func (c *Config) SetDefaults() {
	envdefault.Fill(c)
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.HourlyRequests <= 0:
		return fmt.Errorf("API_KEY_HOURLY_REQUESTS=%d: must be positive", c.HourlyRequests)
	case c.CacheTTL <= 0:
		return errors.New("API_KEY_CACHE_TTL must be positive")
	}
	return nil
}

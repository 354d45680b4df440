package ingestion

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/analytics-pipeline/analytics/internal/envdefault"
)

// RateLimitConfig sets the token buckets of POST /event and POST /events: one per client address and
// one per site, each refilled at its rate in events per second and holding Burst's worth of that rate.
// A rate of 0 turns its limit off, the default: a backend that posts all its users' events from one
// address must not be throttled by surprise.
type RateLimitConfig struct {
	PerIP   float64       `env:"RATE_LIMIT_PER_IP" envDefault:"0"`
	PerSite float64       `env:"RATE_LIMIT_PER_SITE" envDefault:"0"`
	Burst   time.Duration `env:"RATE_LIMIT_BURST" envDefault:"10s"`
	// Secret keys the hash that names a client's bucket in Redis (HMAC-SHA256), so that someone who
	// reads Redis cannot tell the addresses by hashing them all; every replica needs the same one.
	Secret Secret `env:"RATE_LIMIT_SECRET"`
}

// Secret is a setting that is never printed: it formats as a mask.
type Secret string

// String masks the secret, so that logging a configuration does not reveal it.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "xxxxx"
}

// SetDefaults gives the zero fields of a configuration built in code the defaults of their tags.
func (c *RateLimitConfig) SetDefaults() {
	envdefault.Fill(c)
}

// Validate reports the first setting that cannot work.
func (c RateLimitConfig) Validate() error {
	if err := validRate("RATE_LIMIT_PER_IP", c.PerIP); err != nil {
		return err
	}
	if err := validRate("RATE_LIMIT_PER_SITE", c.PerSite); err != nil {
		return err
	}
	if c.Burst <= 0 {
		return errors.New("RATE_LIMIT_BURST must be positive")
	}
	return nil
}

// minRate is the smallest rate a limit may have, one event in about 17 minutes: below it a bucket's
// refill time would overflow the arithmetic and the limit would stop limiting.
const minRate = 0.001

// validRate reports a rate that is negative, below minRate but not 0, or not a finite number.
func validRate(name string, rate float64) error {
	if !(rate == 0 || rate >= minRate) || math.IsInf(rate, 1) {
		return fmt.Errorf("%s=%v: events per second, 0 (off) or at least %v", name, rate, minRate)
	}
	return nil
}

// on reports whether any limit is set.
func (c RateLimitConfig) on() bool {
	return c.PerIP > 0 || c.PerSite > 0
}

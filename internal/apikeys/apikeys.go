// Package apikeys guards the query API: it makes keys (admin keys create), keeps only their hashes in
// Postgres (table api_keys), and decides whether a request may read a site's statistics (Guard): with a
// key for that site or for every site, within the key's hourly budget, or without a key when the site is
// public. WriteDenial answers a refusal in Plausible's error shape, the same for every handler.
package apikeys

import (
	"errors"
	"fmt"
	"time"

	"github.com/analytics-pipeline/analytics/internal/secretkey"
)

// Prefix starts every key, so that a key is recognisable in a configuration file or a secret scanner.
const Prefix = "apk_"

// Errors of the guard and the store. Every refusal of a request matches ErrUnauthorized: ErrMissingKey
// when it carried no key, which says nothing of the site.
var (
	ErrUnauthorized = errors.New("invalid API key or site ID")
	ErrMissingKey   = fmt.Errorf("%w: missing API key", ErrUnauthorized)
	ErrKeyNotFound  = errors.New("no such API key")
	ErrUnknownSite  = errors.New("no such site: register it (admin sites create) or send its events first")
)

// Key is a stored key, without its secret, which only Generate's caller ever sees.
type Key struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	SiteID    *string    `json:"site_id"` // nil: every site
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// Reads reports whether k may read site's statistics: it is not revoked, and it is for that site or for
// every site.
func (k Key) Reads(site string) bool {
	return k.RevokedAt == nil && (k.SiteID == nil || *k.SiteID == site)
}

// Generate returns a new key: Prefix and 256 bits from crypto/rand (secretkey.Generate).
func Generate() (string, error) {
	return secretkey.Generate(Prefix)
}

// Hash is what Postgres keeps of a key: its SHA-256 (secretkey.Hash).
func Hash(key string) []byte {
	return secretkey.Hash(key)
}

// wellFormed reports whether key could be one Generate made, so that other strings need no lookup.
func wellFormed(key string) bool {
	return secretkey.WellFormed(Prefix, key)
}

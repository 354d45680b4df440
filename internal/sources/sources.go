// Package sources keeps the write keys of Segment-spec clients (Segment's and RudderStack's SDKs): a
// source belongs to one site and has a key, made by `admin sources create`, of which Postgres keeps only
// the SHA-256 (table sources). Keys find their site through a short cache (Keys), so that ingestion does
// not query Postgres per request.
package sources

import (
	"errors"
	"time"

	"github.com/analytics-pipeline/analytics/internal/secretkey"
)

// Prefix starts every write key, so that a key is recognisable in a configuration file or a secret
// scanner.
const Prefix = "wk_"

// Errors of the store and of Keys.
var (
	// ErrUnknownKey refuses a write key that no source has, or whose source is revoked, alike.
	ErrUnknownKey = errors.New("unknown or revoked write key")
	// ErrNotFound is a source id that does not exist.
	ErrNotFound = errors.New("no such source")
)

// Source is a stored source, without its key, which only Create's caller ever sees.
type Source struct {
	ID        int64      `json:"id"`
	SiteID    string     `json:"site_id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// generate returns a new write key: Prefix and 256 random bits.
func generate() (string, error) {
	return secretkey.Generate(Prefix)
}

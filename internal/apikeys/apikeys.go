// Package apikeys guards the query API: it makes keys (admin keys create), keeps only their hashes in
// Postgres (table api_keys), and decides whether a request may read a site's statistics (Guard): with a
// key for that site or for every site, within the key's hourly budget, or without a key when the site is
// public. WriteDenial answers a refusal in Plausible's error shape, the same for every handler.
package apikeys

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"time"
)

// Prefix starts every key, so that a key is recognisable in a configuration file or a secret scanner.
const Prefix = "apk_"

// keyBytes is how many random bytes a key carries: 256 bits, which no search can guess.
const keyBytes = 32

// keyEncoding writes a key's bytes in lowercase base32 without padding: letters and digits only, so that a
// double click selects the whole key.
var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// keyLength is the length of every key Generate makes.
var keyLength = len(Prefix) + keyEncoding.EncodedLen(keyBytes)

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

// Generate returns a new key: Prefix and 256 bits from crypto/rand.
func Generate() (string, error) {
	b := make([]byte, keyBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	return Prefix + keyEncoding.EncodeToString(b), nil
}

// Hash is what Postgres keeps of a key: its SHA-256. A fast hash without salt is enough here because a
// key is 256 random bits, not a password a person chose: no dictionary holds it and no search can find
// it from its hash, which slow password hashes (bcrypt, argon2) only make costlier for low-entropy
// secrets. Being deterministic, it also lets a request's key be found by its hash with an index, and
// costs a request microseconds where a password hash would cost tens of milliseconds.
func Hash(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// wellFormed reports whether key could be one Generate made, so that other strings need no lookup.
func wellFormed(key string) bool {
	if len(key) != keyLength || key[:len(Prefix)] != Prefix {
		return false
	}
	_, err := keyEncoding.DecodeString(key[len(Prefix):])
	return err == nil
}

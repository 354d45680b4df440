// Package secretkey makes and hashes the secrets that clients present (the query API's keys, the write
// keys of sources): a recognisable prefix and 256 random bits, of which Postgres keeps only the SHA-256.
package secretkey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
)

// keyBytes is how many random bytes a key carries: 256 bits, which no search can guess.
const keyBytes = 32

// encoding writes a key's bytes in lowercase base32 without padding: letters and digits only, so that a
// double click selects the whole key.
var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Generate returns a new key: prefix and 256 bits from crypto/rand.
func Generate(prefix string) (string, error) {
	b := make([]byte, keyBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	return prefix + encoding.EncodeToString(b), nil
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

// WellFormed reports whether key could be one Generate(prefix) made, so that other strings need no
// lookup.
func WellFormed(prefix, key string) bool {
	if len(key) != len(prefix)+encoding.EncodedLen(keyBytes) || key[:len(prefix)] != prefix {
		return false
	}
	_, err := encoding.DecodeString(key[len(prefix):])
	return err == nil
}

package ingestion

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/netip"
	"sync"
)

// publicSalt keys the client hashes of a Redis-shared limiter when RATE_LIMIT_SECRET is empty: every
// replica must name a client alike, and without a secret they share nothing else.
const publicSalt = "analytics rate limit"

// bucketKeys names the buckets: "<topic>:ratelimit:ip:<hash>" and "<topic>:ratelimit:site:<site_id>".
// A client is named by an HMAC-SHA256 of its address, never by the address. An IPv6 client is named by
// its /64, the network one host is usually given, so that it cannot take a fresh bucket per address.
type bucketKeys struct {
	ipPrefix, sitePrefix string
	hashes               sync.Pool // of hash.Hash
}

// newBucketKeys names buckets under the events' topic with secret; an empty secret is replaced by a
// random one when the buckets are this process's alone (shared false), by publicSalt when not.
func newBucketKeys(topic string, secret Secret, shared bool) *bucketKeys {
	key := []byte(secret)
	if len(key) == 0 && shared {
		key = []byte(publicSalt)
	}
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key) // never fails (crypto/rand)
	}
	prefix := topic + ":ratelimit:"
	k := &bucketKeys{ipPrefix: prefix + "ip:", sitePrefix: prefix + "site:"}
	k.hashes.New = func() any { return hmac.New(sha256.New, key) }
	return k
}

// client returns the key of addr's bucket.
func (k *bucketKeys) client(addr netip.Addr) string {
	if addr.Is6() {
		addr = netip.PrefixFrom(addr, 64).Masked().Addr()
	}
	raw := addr.As16()
	h := k.hashes.Get().(hash.Hash)
	h.Reset()
	h.Write(raw[:])
	var sum [sha256.Size]byte
	digest := h.Sum(sum[:0])
	k.hashes.Put(h)
	var key [128]byte
	return string(base64.RawURLEncoding.AppendEncode(append(key[:0], k.ipPrefix...), digest[:16]))
}

// site returns the key of site's bucket.
func (k *bucketKeys) site(site string) string {
	return k.sitePrefix + site
}

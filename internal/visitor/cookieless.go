package visitor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

// Cookieless is the visitor of an event without a user id: the first 8 bytes, big-endian and signed, of
// HMAC-SHA256 keyed with salt (the salt of the event's date in its site's time zone, see Salts) over
// site, ip and ua joined by NUL bytes. The same client (address and user agent) on the same site and date
// is the same visitor; without the salt, which is deleted once no time zone is still in its date, nobody
// can tell which address an id came from or link the ids of two dates.
func Cookieless(salt []byte, site, ip, ua string) int64 {
	return NewKeyed(salt).ID(site, ip, ua)
}

// Keyed computes Cookieless ids for one salt, keying the HMAC once for all of them: what a request of
// many events of one date uses. It is not safe for concurrent use.
type Keyed struct {
	mac hash.Hash
	buf []byte
}

// NewKeyed returns the ids of salt.
func NewKeyed(salt []byte) *Keyed {
	return &Keyed{mac: hmac.New(sha256.New, salt)}
}

// ID is Cookieless(salt, site, ip, ua) for k's salt.
func (k *Keyed) ID(site, ip, ua string) int64 {
	k.buf = append(append(append(append(append(k.buf[:0], site...), 0), ip...), 0), ua...)
	k.mac.Reset()
	k.mac.Write(k.buf)
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(k.mac.Sum(sum[:0])))
}

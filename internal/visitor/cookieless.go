package visitor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// Cookieless is the visitor of an event without a user id: the first 8 bytes, big-endian and signed, of
// HMAC-SHA256 keyed with salt (the salt of the event's date in its site's time zone, see Salts) over
// site, ip and ua joined by NUL bytes. The same client (address and user agent) on the same site and date
// is the same visitor; without the salt, which is deleted once no time zone is still in its date, nobody
// can tell which address an id came from or link the ids of two dates.
func Cookieless(salt []byte, site, ip, ua string) int64 {
	h := hmac.New(sha256.New, salt)
	h.Write([]byte(site))
	h.Write([]byte{0})
	h.Write([]byte(ip))
	h.Write([]byte{0})
	h.Write([]byte(ua))
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(h.Sum(sum[:0])))
}

// Package visitor computes the visitor of an event: who did it, as an id that is stable within one site
// and says nothing about the person. An event with a user_id belongs to that user; one without belongs to
// a cookieless visitor whose id is a keyed hash of a per-date random salt, the site, the client's address
// and its user agent (the approach Plausible documents), so that the address is never stored.
package visitor

import (
	"crypto/sha256"
	"encoding/binary"
)

// FromUser is the visitor of an event with a user id: the same on every day, in one site.
func FromUser(siteID, userID string) int64 {
	return hashID("user", siteID, userID)
}

// FromEvent is the visitor of an event that has neither a user id nor a cookieless id (one published
// before visitors existed, or one whose date's salt is gone): a visitor of its own.
func FromEvent(siteID, eventID string) int64 {
	return hashID("event", siteID, eventID)
}

// Of is the visitor of an event that carries no visitor id: FromUser when userID is not empty, otherwise
// FromEvent. Postgres computes the same as visitor_of(site_id, user_id, event_id) (migration 00008).
func Of(siteID, userID, eventID string) int64 {
	if userID != "" {
		return FromUser(siteID, userID)
	}
	return FromEvent(siteID, eventID)
}

// hashID is the first 8 bytes, big-endian and signed, of SHA-256 over kind, site and id joined by NUL
// bytes (which none of them may hold).
func hashID(kind, siteID, id string) int64 {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(siteID))
	h.Write([]byte{0})
	h.Write([]byte(id))
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(h.Sum(sum[:0])))
}

// FromAnonymous is the visitor of an event with no user id but an anonymous id that its client keeps
// (Segment's anonymousId): the same on every day, in one site, and never that of a user id.
func FromAnonymous(siteID, anonymousID string) int64 {
	return hashID("anonymous", siteID, anonymousID)
}

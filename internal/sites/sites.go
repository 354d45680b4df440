// Package sites keeps the sites an operator registered (table sites) with the IANA time zone their days
// are counted in and the origins allowed to send their events, and gives ingestion a cached view of both
// (Zones, Origins). A site id nobody registered is counted in UTC and takes any origin.
package sites

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultTimeZone is the zone of a site created without one, and of every site nobody registered.
const DefaultTimeZone = "UTC"

// maxID is the longest site id, the same limit ingestion puts on an event's site_id.
const maxID = 128

// Errors of the store; the admin commands print them.
var (
	ErrNotFound    = errors.New("no such site")
	ErrExists      = errors.New("site already exists")
	ErrInvalidZone = errors.New("not an IANA time zone")
	ErrInvalidID   = errors.New("invalid site id")
)

// Site is a registered site.
type Site struct {
	ID        string    `json:"site_id"`
	TimeZone  string    `json:"time_zone"`
	Public    bool      `json:"public"` // its statistics are answered without an API key
	CreatedAt time.Time `json:"created_at"`
	// AllowedOrigins are the origins whose browsers may send the site's events (ParseOrigins); empty is any.
	AllowedOrigins []string `json:"allowed_origins"`
}

// CheckID reports why id cannot be a site id, the rules of an event's site_id: not empty, valid UTF-8,
// no NUL, at most 128 characters.
func CheckID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrInvalidID)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: not valid UTF-8", ErrInvalidID)
	case strings.IndexByte(id, 0) >= 0:
		return fmt.Errorf("%w: contains a NUL character", ErrInvalidID)
	case utf8.RuneCountInString(id) > maxID:
		return fmt.Errorf("%w: longer than %d characters", ErrInvalidID, maxID)
	}
	return nil
}

// LoadZone returns the location of an IANA zone name as Go knows it (the binaries embed time/tzdata).
// It refuses what time.LoadLocation accepts but is no fixed zone: "", "Local" and "localtime" (the
// machine's own zone, different on every host).
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || name == "localtime" {
		return nil, fmt.Errorf("%w: %q", ErrInvalidZone, name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is unknown to Go's time zone database", ErrInvalidZone, name)
	}
	return loc, nil
}

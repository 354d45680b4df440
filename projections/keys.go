package projections

import (
	"strings"
	"time"
)

// ChangedChannel is the channel on which a commit that changed daily_aggregates of a day before today
// (UTC) notifies which site-days it changed (migrations 00002 and 00005): the keys, one per line (Key), or
// Everything.
const ChangedChannel = "stats_changed"

// Everything is the payload meaning that any site-day may have changed: sent on DELETE and TRUNCATE (a
// rebuild deletes), and for a key that cannot be sent as one line.
const Everything = "*"

// Key names one site's local day, as the notifications and reporting's cache name it: "site_id|YYYY-MM-DD".
// The trigger function notify_stats_key (migrations/00005) builds the same string; a test holds them equal.
func Key(siteID string, day time.Time) string {
	return siteID + "|" + day.Format(time.DateOnly)
}

// ParseKey reads a Key; the site id may itself hold '|'. The day is midnight UTC of the date.
func ParseKey(s string) (siteID string, day time.Time, ok bool) {
	i := strings.LastIndexByte(s, '|')
	if i < 0 {
		return "", time.Time{}, false
	}
	day, err := time.Parse(time.DateOnly, s[i+1:])
	if err != nil {
		return "", time.Time{}, false
	}
	return s[:i], day, true
}

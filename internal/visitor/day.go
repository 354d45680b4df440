package visitor

import "time"

// A date's salt exists from the moment the earliest time zone (UTC+14) enters the date until the moment
// the latest one (UTC-12) leaves it: no site anywhere can have an event of that date outside this window
// unless the event arrives late or early.
const (
	earliestOffset = 14 * time.Hour // the date begins here this long before it begins in UTC
	latestOffset   = 12 * time.Hour // and ends here this long after it ends in UTC
)

// Day is the calendar date of t in loc, as midnight UTC of that date: the key of a salt.
func Day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Creatable reports whether day's salt may exist at now: some time zone is already in day.
func Creatable(day, now time.Time) bool {
	return !day.After(Day(now.Add(earliestOffset), time.UTC))
}

// Expired reports whether day's salt is to be deleted at now: no time zone is still in day, that is now
// is at or after 12:00 UTC of the next date.
func Expired(day, now time.Time) bool {
	return !now.Before(day.AddDate(0, 0, 1).Add(latestOffset))
}

// Live reports whether day's salt may be used at now: Creatable and not Expired.
func Live(day, now time.Time) bool {
	return Creatable(day, now) && !Expired(day, now)
}

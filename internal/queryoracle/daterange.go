package queryoracle

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// span is a resolved date_range: events at From <= t < To count. First and Last are its first and last
// local days (dates at UTC midnight).
type span struct {
	From, To    time.Time
	First, Last time.Time
	dateTimes   bool // given as two date-times
}

var lastDays = regexp.MustCompile(`^([0-9]+)d$`)
var lastMonths = regexp.MustCompile(`^([0-9]+)mo$`)

// resolve turns the query's date_range into instants in zone, relative ranges counted from date.
func (d *Data) resolve(q Query, zone *time.Location) (span, error) {
	ref := time.Now().In(zone)
	today := civil(ref.Year(), ref.Month(), ref.Day())
	if q.Date != "" {
		var err error
		if today, err = time.Parse(time.DateOnly, q.Date); err != nil {
			return span{}, fmt.Errorf("date: %w", err)
		}
	}
	r := q.DateRange
	var first, last time.Time
	switch {
	case r.Name == "day":
		first, last = today, today
	case lastDays.MatchString(r.Name):
		n, _ := strconv.Atoi(lastDays.FindStringSubmatch(r.Name)[1])
		first, last = today.AddDate(0, 0, -n), today.AddDate(0, 0, -1)
	case r.Name == "month":
		first = civil(today.Year(), today.Month(), 1)
		last = first.AddDate(0, 1, -1)
	case lastMonths.MatchString(r.Name):
		n, _ := strconv.Atoi(lastMonths.FindStringSubmatch(r.Name)[1])
		month := civil(today.Year(), today.Month(), 1)
		first, last = month.AddDate(0, -n, 0), month.AddDate(0, 0, -1)
	case r.Name == "year":
		first, last = civil(today.Year(), 1, 1), civil(today.Year(), 12, 31)
	case r.Name == "all":
		first, last = today, today
		if s, ok := d.sites[q.SiteID]; ok && len(s.events) > 0 && localDay(s.events[0].At, zone).Before(today) {
			first = localDay(s.events[0].At, zone)
		}
	case r.Name != "":
		return span{}, fmt.Errorf("date_range %q", r.Name)
	default:
		return resolvePair(r, zone)
	}
	return span{From: midnight(first, zone), To: midnight(last.AddDate(0, 0, 1), zone), First: first, Last: last}, nil
}

// resolvePair resolves [date, date] (whole local days) or [date-time, date-time] (both ends included).
func resolvePair(r DateRange, zone *time.Location) (span, error) {
	first, err1 := time.Parse(time.DateOnly, r.From)
	last, err2 := time.Parse(time.DateOnly, r.To)
	if err1 == nil && err2 == nil {
		return span{From: midnight(first, zone), To: midnight(last.AddDate(0, 0, 1), zone), First: first, Last: last}, nil
	}
	from, err1 := time.Parse(time.RFC3339, r.From)
	to, err2 := time.Parse(time.RFC3339, r.To)
	if err1 != nil || err2 != nil {
		return span{}, fmt.Errorf("date_range [%q, %q]", r.From, r.To)
	}
	return span{From: from, To: to.Add(time.Nanosecond), First: localDay(from, zone), Last: localDay(to, zone), dateTimes: true}, nil
}

// has reports whether t is in the span.
func (s span) has(t time.Time) bool {
	return !t.Before(s.From) && t.Before(s.To)
}

func civil(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// midnight is the first instant of the local date day in zone.
func midnight(day time.Time, zone *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, zone)
}

// localDay is t's calendar date in zone, at UTC midnight.
func localDay(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return civil(l.Year(), l.Month(), l.Day())
}

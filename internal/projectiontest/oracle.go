package projectiontest

import (
	"cmp"
	"slices"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// VisitGap is the longest pause within one visit: a later event starts a new visit.
const VisitGap = 30 * time.Minute

// Expect computes, from events, the rows every projection table must hold. Events count once per
// (site_id, event_id), the first occurrence winning; bots' events count in none. zones maps a registered
// site to its time zone; any other site's days are UTC days. An event without a VisitorID belongs to
// visitor.Of its site, user and id.
func Expect(events []event.Event, zones map[string]*time.Location) Snapshot {
	counted := Distinct(events)
	counted = slices.DeleteFunc(counted, func(e event.Event) bool { return e.Bot })
	zoneOf := func(site string) *time.Location {
		if z, ok := zones[site]; ok {
			return z
		}
		return time.UTC
	}
	snap := Snapshot{}
	for name, rows := range dailyRows(counted, zoneOf) {
		snap[name] = rows
	}
	snap["visits"] = visitRows(counted, zoneOf)
	snap["hourly_visitors"] = hourlyRows(counted, zoneOf)
	for _, t := range Tables {
		sortRows(snap[t.Name], t.Key)
	}
	return snap
}

// Distinct is events without repeats of a (site_id, event_id) pair, the first occurrence kept, each with its
// VisitorID filled in as the processor fills it.
func Distinct(events []event.Event) []event.Event {
	type id struct{ site, event string }
	seen := map[id]bool{}
	out := make([]event.Event, 0, len(events))
	for _, e := range events {
		k := id{e.SiteID, e.EventID}
		if seen[k] {
			continue
		}
		seen[k] = true
		if e.VisitorID == 0 {
			e.VisitorID = visitor.Of(e.SiteID, e.UserID, e.EventID)
		}
		out = append(out, e)
	}
	return out
}

// localDay is the calendar date of t in zone, as Postgres's (t AT TIME ZONE zone)::date.
func localDay(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// localHour is the wall-clock hour of t in zone, as date_trunc('hour', t AT TIME ZONE zone).
func localHour(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), 0, 0, 0, time.UTC)
}

// sortRows orders rows by their first key cells, then by the rest, as strings.
func sortRows(rows Rows, key int) {
	slices.SortFunc(rows, func(a, b []string) int {
		if c := slices.Compare(a[:key], b[:key]); c != 0 {
			return c
		}
		return slices.Compare(a[key:], b[key:])
	})
}

// byOccurrence orders events as a visit does: by time, ties by event_id in byte order.
func byOccurrence(a, b event.Event) int {
	if c := a.Timestamp.Compare(b.Timestamp); c != 0 {
		return c
	}
	return cmp.Compare(a.EventID, b.EventID)
}

// SiteDays are the local days, in ascending order, on which each site has counted events.
func SiteDays(events []event.Event, zones map[string]*time.Location) map[string][]time.Time {
	days := map[string][]time.Time{}
	for _, e := range Distinct(events) {
		if e.Bot {
			continue
		}
		zone, ok := zones[e.SiteID]
		if !ok {
			zone = time.UTC
		}
		d := localDay(e.Timestamp, zone)
		if i, found := slices.BinarySearchFunc(days[e.SiteID], d, time.Time.Compare); !found {
			days[e.SiteID] = slices.Insert(days[e.SiteID], i, d)
		}
	}
	return days
}

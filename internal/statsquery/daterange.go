package statsquery

import (
	"time"
)

// Range is a resolved date_range: the instants [Start, End) and the site's local dates First..Last it
// touches. Days is true when the range is whole local days (a date shorthand or a pair of dates), which
// the hourly projection answers exactly.
type Range struct {
	Zone        *time.Location
	Days        bool
	First, Last time.Time // local calendar dates, at midnight UTC
	Start, End  time.Time
}

// dayOf is the calendar date of t in its location, at midnight UTC.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// localMidnight is the first instant whose date in zone is day (a date at midnight UTC), the date the
// projections give an event. Where clocks are set back across midnight the wall-clock midnight is
// ambiguous and time.Date may pick its later instant; where they skip it, the day starts after the gap.
func localMidnight(day time.Time, zone *time.Location) time.Time {
	t := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, zone)
	for dayOf(t.In(zone)).Before(day) {
		t = t.Add(time.Minute)
	}
	for dayOf(t.Add(-time.Minute).In(zone)).Equal(day) {
		t = t.Add(-time.Minute)
	}
	return t
}

// days returns the range of whole local days first..last in zone.
func days(first, last time.Time, zone *time.Location) Range {
	return Range{Zone: zone, Days: true, First: first, Last: last,
		Start: localMidnight(first, zone), End: localMidnight(last.AddDate(0, 0, 1), zone)}
}

// Resolve fixes req's date_range in zone, now being the current instant and statsStart the site's first
// local day with data (zero when it has none: "all" is then today). Relative ranges follow Plausible's
// current QueryBuilder.build_datetime_range (lib/plausible/stats/query_builder.ex): "Nd" is the N days
// before the reference day, which is excluded; "Nmo" the N whole months before its month; "month" and
// "year" the whole month and year of the reference day; "day" the reference day; "all" from the first
// day with data to the reference day. The reference day is req.Date, else today in zone.
func Resolve(req Request, zone *time.Location, now time.Time, statsStart time.Time) (Range, error) {
	today := dayOf(now.In(zone))
	if req.Date != "" {
		d, err := time.Parse(time.DateOnly, req.Date)
		if err != nil {
			return Range{}, invalid("Invalid date '%s'.", req.Date)
		}
		today = d
	}
	switch r := req.DateRange.(type) {
	case string:
		switch r {
		case "day":
			return days(today, today, zone), nil
		case "7d", "28d", "30d", "91d":
			n := map[string]int{"7d": 7, "28d": 28, "30d": 30, "91d": 91}[r]
			return days(today.AddDate(0, 0, -n), today.AddDate(0, 0, -1), zone), nil
		case "month":
			first := today.AddDate(0, 0, 1-today.Day())
			return days(first, first.AddDate(0, 1, -1), zone), nil
		case "6mo", "12mo":
			n := map[string]int{"6mo": 6, "12mo": 12}[r]
			thisMonth := today.AddDate(0, 0, 1-today.Day())
			return days(thisMonth.AddDate(0, -n, 0), thisMonth.AddDate(0, 0, -1), zone), nil
		case "year":
			first := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
			return days(first, first.AddDate(1, 0, -1), zone), nil
		case "all":
			first := today
			if !statsStart.IsZero() && statsStart.Before(today) {
				first = statsStart
			}
			return days(first, today, zone), nil
		}
	case [2]string:
		from, errFrom := time.Parse(time.DateOnly, r[0])
		to, errTo := time.Parse(time.DateOnly, r[1])
		if errFrom == nil && errTo == nil {
			return days(from, to, zone), nil
		}
		start, errFrom := time.Parse(time.RFC3339, r[0])
		end, errTo := time.Parse(time.RFC3339, r[1])
		if errFrom != nil || errTo != nil {
			return Range{}, invalid("Invalid date_range '%s'.", inspect([]any{r[0], r[1]}))
		}
		// The last instant is inclusive, as in Plausible; Postgres keeps microseconds.
		end = end.Add(time.Microsecond)
		return Range{Zone: zone, First: dayOf(start.In(zone)), Last: dayOf(end.Add(-time.Microsecond).In(zone)),
			Start: start, End: end}, nil
	}
	return Range{}, invalid("#/date_range: Invalid date range %s", inspect(req.DateRange))
}

// lastInstant is the range's last second, as Plausible echoes it (2024-01-31T23:59:59+01:00).
func (r Range) lastInstant() time.Time {
	if r.Days {
		return r.End.Add(-time.Second)
	}
	return r.End.Add(-time.Microsecond)
}

// timeDimension resolves the "time" dimension by the range's length as Plausible's QueryOptimizer does:
// up to 48 hours by hour, up to 40 days by day, up to 52 weeks by week, else by month.
func (r Range) timeDimension() string {
	span := r.lastInstant().Sub(r.Start)
	switch {
	case span < 49*time.Hour:
		return "time:hour"
	case span < 41*24*time.Hour:
		return "time:day"
	case span < 53*7*24*time.Hour:
		return "time:week"
	}
	return "time:month"
}

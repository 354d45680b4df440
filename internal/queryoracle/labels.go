package queryoracle

import (
	"strings"
	"time"
)

// emptyLabel is how Plausible shows an empty value of dim in results.
func emptyLabel(dim string) string {
	switch dim {
	case "visit:source", "visit:referrer":
		return "Direct / None"
	case "visit:utm_source", "visit:utm_medium", "visit:utm_campaign", "visit:utm_content", "visit:utm_term",
		"visit:device", "visit:browser", "visit:browser_version", "visit:os", "visit:os_version":
		return "(not set)"
	}
	return ""
}

// label is the value of dimension dim for s, at instant at (the event's time or the visit's start).
func (o *oracle) label(dim string, s subject, at time.Time) string {
	if strings.HasPrefix(dim, "time:") {
		return o.timeLabel(dim, at)
	}
	value, present := stored(dim, s)
	if optional(dim) && !present {
		return "(none)"
	}
	if value == "" {
		return emptyLabel(dim)
	}
	return value
}

// timeLabel is the bucket of at in the site's wall clock.
func (o *oracle) timeLabel(dim string, at time.Time) string {
	l := at.In(o.zone)
	switch dim {
	case "time:hour":
		return l.Format("2006-01-02 15:00:00")
	case "time:day":
		return l.Format(time.DateOnly)
	case "time:week":
		return o.weekStart(localDay(at, o.zone)).Format(time.DateOnly)
	case "time:month":
		return l.Format("2006-01") + "-01"
	}
	panic("queryoracle: unknown time dimension " + dim)
}

// weekStart is day's Monday, or the range's first day when that is later.
func (o *oracle) weekStart(day time.Time) time.Time {
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	if monday.Before(o.span.First) {
		return o.span.First
	}
	return monday
}

// timeDimension resolves "time" by the range's length (query_optimizer.ex resolve_time_dimension): the
// whole hours, days or weeks from the range's first instant to its last, at most 48 for time:hour (two
// days), 40 for time:day (41 days), 52 for time:week; time:month beyond.
func (o *oracle) timeDimension(dim string) string {
	if dim != "time" {
		return dim
	}
	switch hours := int((o.span.To.Sub(o.span.From) - time.Nanosecond) / time.Hour); {
	case hours <= 48:
		return "time:hour"
	case hours/24 <= 40:
		return "time:day"
	case hours/(24*7) <= 52:
		return "time:week"
	default:
		return "time:month"
	}
}

// timeLabels lists every label of the range for the time dimension dim.
func (o *oracle) timeLabels(dim string) []string {
	var labels []string
	add := func(l string) {
		if len(labels) == 0 || labels[len(labels)-1] != l {
			labels = append(labels, l)
		}
	}
	for day := o.span.First; !day.After(o.span.Last); day = day.AddDate(0, 0, 1) {
		switch dim {
		case "time:hour":
			for h := range 24 {
				add(day.Add(time.Duration(h) * time.Hour).Format("2006-01-02 15:00:00"))
			}
		case "time:day":
			add(day.Format(time.DateOnly))
		case "time:week":
			add(o.weekStart(day).Format(time.DateOnly))
		case "time:month":
			add(day.Format("2006-01") + "-01")
		}
	}
	return labels
}

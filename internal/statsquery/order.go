package statsquery

import (
	"cmp"
	"slices"
	"time"
)

// orderBy is q's order: its order_by, else Plausible's default (the time dimension ascending, then the
// first metric descending).
func orderBy(q *Query) []Order {
	if len(q.OrderBy) > 0 {
		return q.OrderBy
	}
	var o []Order
	for _, d := range q.Dims {
		if isTime(d) {
			o = append(o, Order{By: d})
			break
		}
	}
	return append(o, Order{By: q.Metrics[0], Desc: true})
}

// sortRows orders rows by q's order, ties broken by the dimension values in byte order, so that every
// answer is deterministic.
func sortRows(q *Query, rows []Row) {
	order := orderBy(q)
	slices.SortStableFunc(rows, func(a, b Row) int {
		for _, o := range order {
			var c int
			if i := slices.Index(q.Metrics, o.By); i >= 0 {
				c = cmp.Compare(number(a.Metrics[i]), number(b.Metrics[i]))
			} else if i := slices.Index(q.Dims, o.By); i >= 0 {
				c = cmp.Compare(a.Dimensions[i], b.Dimensions[i])
			}
			if o.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return slices.Compare(a.Dimensions, b.Dimensions)
	})
}

func number(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

// timeLabels lists every bucket of q's time dimension over its range, as Plausible's Time.time_labels
// does: local wall-clock hours, days, weeks starting on Monday (the first one at the range's start) and
// months (labelled by their first day).
func timeLabels(q *Query) []string {
	dim := ""
	for _, d := range q.Dims {
		if isTime(d) {
			dim = d
			break
		}
	}
	first, last := q.Range.First, q.Range.Last
	var labels []string
	switch dim {
	case "time:hour":
		start, end := first, last.AddDate(0, 0, 1)
		if !q.Range.Days {
			start = wallHour(q.Range.Start.In(q.Range.Zone))
			end = wallHour(q.Range.lastInstant().In(q.Range.Zone)).Add(time.Hour)
		}
		for t := start; t.Before(end); t = t.Add(time.Hour) {
			labels = append(labels, t.Format("2006-01-02 15:00:00"))
		}
	case "time:day":
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			labels = append(labels, d.Format(time.DateOnly))
		}
	case "time:week":
		for d := first; !d.After(last); d = monday(d).AddDate(0, 0, 7) {
			labels = append(labels, d.Format(time.DateOnly))
		}
	case "time:month":
		for d := first.AddDate(0, 0, 1-first.Day()); !d.After(last); d = d.AddDate(0, 1, 0) {
			labels = append(labels, d.Format(time.DateOnly))
		}
	}
	return labels
}

// wallHour is t's local wall-clock hour as a UTC time (naive, as Plausible's labels are).
func wallHour(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), 0, 0, 0, time.UTC)
}

// monday is the Monday of d's ISO week.
func monday(d time.Time) time.Time {
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

package queryoracle

import (
	"strconv"
)

// finish computes every group's metrics; visitors and visits come from the table from.
func (o *oracle) finish(metrics []string, groups map[string]*group, order []string, from table, total func() int) []Row {
	totalVisitors := -1
	rows := make([]Row, 0, len(order))
	for _, key := range order {
		g := groups[key]
		visitors, visits := int64(len(g.event.visitors)), int64(len(g.event.visits))
		if from == fromVisits {
			visitors, visits = int64(len(g.session.visitors)), g.session.visits
		}
		s := g.session
		row := Row{Dimensions: g.labels, Metrics: make([]any, len(metrics))}
		for i, m := range metrics {
			switch m {
			case "visitors":
				row.Metrics[i] = float64(visitors)
			case "visits":
				row.Metrics[i] = float64(visits)
			case "pageviews":
				row.Metrics[i] = float64(g.event.pageviews)
			case "events":
				row.Metrics[i] = float64(g.event.events)
			case "bounce_rate":
				row.Metrics[i] = decimal(roundHalfEven(100*s.bounces, s.bounceBase), 0)
			case "visit_duration":
				row.Metrics[i] = decimal(roundHalfEven(s.durationMicros, s.visits*1_000_000), 0)
			case "views_per_visit":
				row.Metrics[i] = decimal(roundHalfEven(100*s.pageviews, s.visits), 2)
			case "percentage":
				if totalVisitors < 0 {
					totalVisitors = total()
				}
				if totalVisitors == 0 {
					row.Metrics[i] = nil
					continue
				}
				row.Metrics[i] = decimal(roundHalfEven(1000*visitors, int64(totalVisitors)), 1)
			default:
				panic("queryoracle: unknown metric " + m)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// roundHalfEven is num/den rounded to the nearest integer, a tie to the even one; 0 when den is 0
// (ClickHouse's ifNotFinite(…, 0)). num and den are not negative.
func roundHalfEven(num, den int64) int64 {
	if den == 0 {
		return 0
	}
	q, r := num/den, num%den
	switch {
	case 2*r > den:
		return q + 1
	case 2*r == den:
		return q + q%2
	}
	return q
}

// decimal is n/10^places as the float64 its decimal text parses to.
func decimal(n int64, places int) float64 {
	text := strconv.FormatInt(n, 10)
	if places > 0 {
		for len(text) <= places {
			text = "0" + text
		}
		text = text[:len(text)-places] + "." + text[len(text)-places:]
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		panic(err)
	}
	return f
}

package queryoracle

import (
	"math"
	"strconv"
)

// finish computes every group's metrics; visitors and visits come from the table from.
func (o *oracle) finish(metrics []string, groups map[string]*group, order []string, from table, total func() int) []Row {
	totalVisitors := -1
	rows := make([]Row, 0, len(order))
	for _, key := range order {
		g := groups[key]
		visitors, visits := int64(len(g.event.visitors)), int64(len(g.event.visits))
		switch from {
		case fromVisits:
			visitors, visits = int64(len(g.session.visitors)), g.session.visits
		case fromEventsVisitsStarting:
			visits = g.session.visits
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
				row.Metrics[i] = round(ratio(float64(s.bounces), float64(s.bounceBase))*100, 0)
			case "visit_duration":
				row.Metrics[i] = round(ratio(float64(s.durationMicros)/1e6, float64(s.visits)), 0)
			case "views_per_visit":
				row.Metrics[i] = round(ratio(float64(s.pageviews), float64(s.visits)), 2)
			case "percentage":
				if totalVisitors < 0 {
					totalVisitors = total()
				}
				if totalVisitors == 0 {
					row.Metrics[i] = nil
					continue
				}
				row.Metrics[i] = round(float64(visitors)/float64(totalVisitors)*100, 1)
			default:
				panic("queryoracle: unknown metric " + m)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// ratio is a/b, 0 when b is 0 (ClickHouse's ifNotFinite(…, 0)).
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// round is ClickHouse's round(x, places) of a Float64: x scaled by 10^places, rounded to the nearest
// integer with a tie to the even one (banker's rounding), scaled back; the float64 then takes its
// shortest decimal text, as a JSON answer prints it.
func round(x float64, places int) float64 {
	scale := math.Pow10(places)
	f, err := strconv.ParseFloat(strconv.FormatFloat(math.RoundToEven(x*scale)/scale, 'f', places, 64), 64)
	if err != nil {
		panic(err)
	}
	return f
}

package statsquery

import "math"

// values computes the metrics of one group in the order asked, as Plausible rounds them: rates are
// whole percents, durations whole seconds, views per visit two decimals, percentage one.
func values(metrics []string, p plan, g *group, total float64) []any {
	out := make([]any, len(metrics))
	for i, m := range metrics {
		side := g.visit
		if contains(p.eventMetrics, m) || (m == Percentage && p.percentOn == fromEvents) {
			side = g.events
		}
		switch m {
		case Visitors:
			out[i] = int64(side.visitors)
		case Visits:
			out[i] = int64(side.visits)
		case Pageviews:
			out[i] = int64(side.pageviews)
		case Events:
			out[i] = int64(side.events)
		case BounceRate:
			out[i] = int64(math.Round(ratio(side.bounces, side.visits) * 100))
		case VisitDuration:
			out[i] = int64(math.Round(ratio(side.duration, side.visits)))
		case ViewsPerVisit:
			out[i] = math.Round(ratio(side.visitPageviews, side.visits)*100) / 100
		case Percentage:
			out[i] = math.Round(ratio(side.visitors, total)*1000) / 10
		}
	}
	return out
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func page(rows []Row, offset, limit int) []Row {
	if offset >= len(rows) {
		return []Row{}
	}
	return rows[offset:min(len(rows), offset+limit)]
}

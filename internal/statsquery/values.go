package statsquery

import "math"

// values computes the metrics of one group in the order asked, as Plausible rounds them: rates are
// whole percents, durations whole seconds, views per visit two decimals, percentage one, null when the
// query has no visitors (plausible/analytics lib/plausible/stats/sql/special_metrics.ex:
// if(total_visitors > 0, round(visitors / total_visitors * 100, 1), null)).
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
			out[i] = int64(round(ratio(side.bounces, side.bounceBase)*100, 0))
		case VisitDuration:
			out[i] = int64(round(ratio(side.duration, side.visits), 0))
		case ViewsPerVisit:
			out[i] = round(ratio(side.visitPageviews, side.visits), 2)
		case Percentage:
			if total > 0 {
				out[i] = round(side.visitors/total*100, 1)
			}
		}
	}
	return out
}

// round is ClickHouse's round(x, places) of a Float64, which Plausible's metrics go through
// (sql/expression.ex, sql/special_metrics.ex): x scaled by 10^places, rounded to the nearest integer with
// a tie to the even one ("banker's rounding for float number types", ClickHouse docs, Rounding
// functions), scaled back. So a bounce rate of 62.5 % is 62 and one of 63.5 % is 64.
func round(x float64, places int) float64 {
	scale := math.Pow10(places)
	return math.RoundToEven(x*scale) / scale
}

// ratio is a/b, 0 when b is 0 (Plausible's ifNotFinite(…, 0)).
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

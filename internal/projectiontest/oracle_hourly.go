package projectiontest

import (
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// hourlyRows computes hourly_visitors: per site, local wall-clock hour, dimension, value and visitor, the
// events and page views. Every event adds to 'event:name' (its type) and 'event:page' (its path), to
// 'event:hostname' when it has a hostname, and to 'event:props:<key>' for each of its props.
func hourlyRows(events []event.Event, zoneOf func(string) *time.Location) Rows {
	type key struct {
		site             string
		hour             time.Time
		dimension, value string
		visitor          int64
	}
	type counts struct{ events, views int64 }
	sums := map[key]*counts{}
	for _, e := range events {
		dims := [][2]string{{"event:name", e.EventType}, {"event:page", e.Path}}
		if e.Hostname != "" {
			dims = append(dims, [2]string{"event:hostname", e.Hostname})
		}
		for k, v := range e.Props {
			dims = append(dims, [2]string{"event:props:" + k, v})
		}
		hour := localHour(e.Timestamp, zoneOf(e.SiteID))
		for _, d := range dims {
			k := key{e.SiteID, hour, d[0], d[1], e.VisitorID}
			if sums[k] == nil {
				sums[k] = &counts{}
			}
			sums[k].events++
			if e.EventType == event.PageView {
				sums[k].views++
			}
		}
	}
	rows := make(Rows, 0, len(sums))
	for k, c := range sums {
		rows = append(rows, []string{textCell(k.site), wallCell(k.hour), textCell(k.dimension), textCell(k.value),
			intCell(k.visitor), intCell(c.events), intCell(c.views)})
	}
	return rows
}

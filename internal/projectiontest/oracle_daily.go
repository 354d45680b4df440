package projectiontest

import (
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// dailyRows computes the seed's four daily tables: per site and local day, page views, events, distinct
// non-empty user ids, events by type and page views by path.
func dailyRows(events []event.Event, zoneOf func(string) *time.Location) map[string]Rows {
	type day struct {
		site string
		date time.Time
	}
	type totals struct{ views, events int64 }
	aggregates := map[day]*totals{}
	users := map[day]map[string]bool{}
	types := map[day]map[string]int64{}
	paths := map[day]map[string]int64{}
	for _, e := range events {
		d := day{e.SiteID, localDay(e.Timestamp, zoneOf(e.SiteID))}
		if aggregates[d] == nil {
			aggregates[d], users[d], types[d], paths[d] = &totals{}, map[string]bool{}, map[string]int64{}, map[string]int64{}
		}
		aggregates[d].events++
		types[d][e.EventType]++
		if e.EventType == event.PageView {
			aggregates[d].views++
			paths[d][e.Path]++
		}
		if e.UserID != "" {
			users[d][e.UserID] = true
		}
	}
	out := map[string]Rows{"daily_aggregates": {}, "daily_event_types": {}, "daily_path_views": {}, "daily_unique_users": {}}
	for d, a := range aggregates {
		site, date := textCell(d.site), dateCell(d.date)
		out["daily_aggregates"] = append(out["daily_aggregates"],
			[]string{site, date, intCell(a.views), intCell(a.events), intCell(int64(len(users[d])))})
		for typ, n := range types[d] {
			out["daily_event_types"] = append(out["daily_event_types"], []string{site, date, textCell(typ), intCell(n)})
		}
		for path, n := range paths[d] {
			out["daily_path_views"] = append(out["daily_path_views"], []string{site, date, textCell(path), intCell(n)})
		}
		for user := range users[d] {
			out["daily_unique_users"] = append(out["daily_unique_users"], []string{site, date, textCell(user)})
		}
	}
	return out
}

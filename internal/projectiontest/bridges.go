package projectiontest

import (
	"slices"
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// Bridges counts, for a delivery in the order of batches, the arrivals that join visits already seen: a
// new event within VisitGap of a seen event before it and of one after it, which were more than VisitGap
// apart, so that the incremental projection must merge two visits into one. Bots are not counted. It
// tells how hard a delivery exercised the merge; with concurrent writers the order is approximate.
func Bridges(batches [][]event.Event) int {
	type who struct {
		site    string
		visitor int64
	}
	type id struct{ site, event string }
	seen := map[id]bool{}
	times := map[who][]time.Time{}
	bridges := 0
	for _, batch := range batches {
		for _, e := range Distinct(batch) {
			if e.Bot || seen[id{e.SiteID, e.EventID}] {
				continue
			}
			seen[id{e.SiteID, e.EventID}] = true
			k := who{e.SiteID, e.VisitorID}
			ts := times[k]
			i, _ := slices.BinarySearchFunc(ts, e.Timestamp, time.Time.Compare)
			if i > 0 && i < len(ts) && e.Timestamp.Sub(ts[i-1]) <= VisitGap && ts[i].Sub(e.Timestamp) <= VisitGap &&
				ts[i].Sub(ts[i-1]) > VisitGap {
				bridges++
			}
			times[k] = slices.Insert(ts, i, e.Timestamp)
		}
	}
	return bridges
}

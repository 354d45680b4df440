package projectiontest

import (
	"slices"
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// visitRows computes the visits: per site and visitor, the events in occurrence order, cut where the
// pause exceeds VisitGap. A visit counts on the local day it starts; its entry page and its source,
// referrer, UTM and device fields come from its first event (NULL when empty), its exit page from its last.
func visitRows(events []event.Event, zoneOf func(string) *time.Location) Rows {
	type who struct {
		site    string
		visitor int64
	}
	byVisitor := map[who][]event.Event{}
	for _, e := range events {
		k := who{e.SiteID, e.VisitorID}
		byVisitor[k] = append(byVisitor[k], e)
	}
	rows := Rows{}
	for _, evs := range byVisitor {
		slices.SortFunc(evs, byOccurrence)
		start := 0
		for i := 1; i <= len(evs); i++ {
			if i == len(evs) || evs[i].Timestamp.Sub(evs[i-1].Timestamp) > VisitGap {
				rows = append(rows, visitRow(evs[start:i], zoneOf(evs[0].SiteID)))
				start = i
			}
		}
	}
	return rows
}

// visitRow is one visit's row in the column order of Tables.
func visitRow(visit []event.Event, zone *time.Location) []string {
	first, last := visit[0], visit[len(visit)-1]
	var views int64
	for _, e := range visit {
		if e.EventType == event.PageView {
			views++
		}
	}
	return []string{
		textCell(first.SiteID), intCell(first.VisitorID), instantCell(first.Timestamp), instantCell(last.Timestamp),
		dateCell(localDay(first.Timestamp, zone)),
		textCell(first.EventID), textCell(last.EventID), textCell(first.Path), textCell(last.Path),
		intCell(views), intCell(int64(len(visit))),
		optionalCell(first.Hostname), optionalCell(first.Source), optionalCell(first.Referrer),
		optionalCell(first.UTMSource), optionalCell(first.UTMMedium), optionalCell(first.UTMCampaign),
		optionalCell(first.UTMContent), optionalCell(first.UTMTerm), optionalCell(first.Browser),
		optionalCell(first.BrowserVersion), optionalCell(first.OS), optionalCell(first.OSVersion), optionalCell(first.Device),
	}
}

package projectiontest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// The oracle on a case worked out by hand: New York's autumn DST change (01:00 happens twice), a visit
// across local midnight counted on the day it starts, a pause of exactly VisitGap, two events at one
// instant ordered by event_id, a duplicate, a bot, and Kolkata's half-hour offset.
func TestExpectByHand(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return ts
	}
	u1 := visitor.FromUser("ny", "u1")
	view := func(id, ts, path string) event.Event {
		return event.Event{EventID: id, SiteID: "ny", EventType: event.PageView, Path: path, UserID: "u1", VisitorID: u1, Timestamp: at(ts)}
	}
	b := view("b", "2025-11-02T03:50:00Z", "/a") // 23:50 EDT on 1 November
	b.Source, b.Hostname, b.Props = "Google", "example.com", map[string]string{"plan": "pro"}
	a := event.Event{EventID: "a", SiteID: "ny", EventType: "click", Path: "/x", UserID: "u1", VisitorID: u1,
		Timestamp: b.Timestamp, Source: "Facebook", Browser: "Firefox"}
	c := view("c", "2025-11-02T04:20:00Z", "/c") // 00:20 EDT, exactly VisitGap after a and b
	d := view("d", "2025-11-02T05:40:00Z", "/d") // 01:40 EDT
	e := view("e", "2025-11-02T06:40:00Z", "/d") // 01:40 EST, the same wall-clock hour
	bot := view("f", "2025-11-02T05:41:00Z", "/bot")
	bot.Bot = true
	g := event.Event{EventID: "g", SiteID: "kolkata", EventType: event.PageView, Path: "/k", Timestamp: at("2025-11-01T18:29:59Z")}
	h := event.Event{EventID: "h", SiteID: "kolkata", EventType: event.PageView, Path: "/k", VisitorID: 7, Timestamp: at("2025-11-01T18:30:00Z")}

	got := Expect([]event.Event{c, b, a, d, e, bot, c, g, h}, map[string]*time.Location{"ny": ny, "kolkata": kolkata})

	n := func(v int64) string { return intCell(v) }
	gv := visitor.FromEvent("kolkata", "g")
	noFields := func(first event.Event) []string {
		return []string{optionalCell(first.Hostname), optionalCell(first.Source), nullCell, nullCell, nullCell, nullCell, nullCell,
			nullCell, optionalCell(first.Browser), nullCell, nullCell, nullCell, nullCell}
	}
	visit := func(first, last event.Event, day string, views, events int64) []string {
		return append([]string{s(first.SiteID), n(first.VisitorID), instantCell(first.Timestamp), instantCell(last.Timestamp),
			day, s(first.EventID), s(last.EventID), s(first.Path), s(last.Path), n(views), n(events)}, noFields(first)...)
	}
	g.VisitorID = gv
	want := Snapshot{
		"daily_aggregates": {
			{s("kolkata"), "2025-11-01", "1", "1", "0"}, {s("kolkata"), "2025-11-02", "1", "1", "0"},
			{s("ny"), "2025-11-01", "1", "2", "1"}, {s("ny"), "2025-11-02", "3", "3", "1"},
		},
		"daily_event_types": {
			{s("kolkata"), "2025-11-01", s("page_view"), "1"}, {s("kolkata"), "2025-11-02", s("page_view"), "1"},
			{s("ny"), "2025-11-01", s("click"), "1"}, {s("ny"), "2025-11-01", s("page_view"), "1"},
			{s("ny"), "2025-11-02", s("page_view"), "3"},
		},
		"daily_path_views": {
			{s("kolkata"), "2025-11-01", s("/k"), "1"}, {s("kolkata"), "2025-11-02", s("/k"), "1"},
			{s("ny"), "2025-11-01", s("/a"), "1"}, {s("ny"), "2025-11-02", s("/c"), "1"}, {s("ny"), "2025-11-02", s("/d"), "2"},
		},
		"daily_unique_users": {{s("ny"), "2025-11-01", s("u1")}, {s("ny"), "2025-11-02", s("u1")}},
		"visits": {
			visit(g, g, "2025-11-01", 1, 1), visit(h, h, "2025-11-02", 1, 1),
			visit(a, c, "2025-11-01", 2, 3), visit(d, d, "2025-11-02", 1, 1), visit(e, e, "2025-11-02", 1, 1),
		},
		"hourly_visitors": {
			{s("kolkata"), "2025-11-01 23:00:00", s("event:name"), s("page_view"), n(gv), "1", "1"},
			{s("kolkata"), "2025-11-01 23:00:00", s("event:page"), s("/k"), n(gv), "1", "1"},
			{s("kolkata"), "2025-11-02 00:00:00", s("event:name"), s("page_view"), "7", "1", "1"},
			{s("kolkata"), "2025-11-02 00:00:00", s("event:page"), s("/k"), "7", "1", "1"},
			{s("ny"), "2025-11-01 23:00:00", s("event:hostname"), s("example.com"), n(u1), "1", "1"},
			{s("ny"), "2025-11-01 23:00:00", s("event:name"), s("click"), n(u1), "1", "0"},
			{s("ny"), "2025-11-01 23:00:00", s("event:name"), s("page_view"), n(u1), "1", "1"},
			{s("ny"), "2025-11-01 23:00:00", s("event:page"), s("/a"), n(u1), "1", "1"},
			{s("ny"), "2025-11-01 23:00:00", s("event:page"), s("/x"), n(u1), "1", "0"},
			{s("ny"), "2025-11-01 23:00:00", s("event:props:plan"), s("pro"), n(u1), "1", "1"},
			{s("ny"), "2025-11-02 00:00:00", s("event:name"), s("page_view"), n(u1), "1", "1"},
			{s("ny"), "2025-11-02 00:00:00", s("event:page"), s("/c"), n(u1), "1", "1"},
			{s("ny"), "2025-11-02 01:00:00", s("event:name"), s("page_view"), n(u1), "2", "2"},
			{s("ny"), "2025-11-02 01:00:00", s("event:page"), s("/d"), n(u1), "2", "2"},
		},
	}
	for _, tb := range Tables {
		sortRows(want[tb.Name], tb.Key)
	}
	require.Empty(t, Diff(want, got))
}

// Diff names the table, the key and the differing column of the first rows that differ.
func TestDiffNamesRows(t *testing.T) {
	t.Parallel()
	want := Snapshot{"daily_aggregates": {{s("a"), "2025-01-01", "1", "1", "0"}, {s("b"), "2025-01-01", "1", "1", "0"}}}
	got := Snapshot{"daily_aggregates": {{s("a"), "2025-01-01", "2", "1", "0"}, {s("c"), "2025-01-01", "1", "1", "0"}}}
	require.Equal(t, `daily_aggregates: 3 rows differ (want 2 rows, got 2)
  differs    (site_id="a", day=2025-01-01, total_views: want 1 got 2)
  missing    (site_id="b", day=2025-01-01, total_views=1, total_events=1, unique_users=0)
  unexpected (site_id="c", day=2025-01-01, total_views=1, total_events=1, unique_users=0)
`, Diff(want, got))
	require.Empty(t, Diff(want, want))
}

func s(v string) string { return textCell(v) }

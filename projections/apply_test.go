package projections_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
)

func TestApplyVisits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		batches [][]event.Event
		want    []visit
	}{
		{
			name: "event_bridging_two_visits_merges_them",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), page("c", "s", "/c", "u", "2025-11-12T10:50:00Z")},
				{page("b", "s", "/b", "u", "2025-11-12T10:25:00Z")},
			},
			want: []visit{{Start: "10:00:00", End: "10:50:00", Day: "2025-11-12", First: "a", Last: "c", Entry: "/a", Exit: "/c", Pageviews: 3, Events: 3}},
		},
		{
			name: "batch_spanning_stored_visits_joins_each_where_it_falls",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), page("b", "s", "/b", "u", "2025-11-12T10:05:00Z")},
				{page("c", "s", "/c", "u", "2025-11-12T11:00:00Z"), page("d", "s", "/d", "u", "2025-11-12T11:05:00Z")},
				{page("e", "s", "/e", "u", "2025-11-12T12:00:00Z")},
				{page("x", "s", "/x", "u", "2025-11-12T10:30:00Z"), page("y", "s", "/y", "u", "2025-11-12T12:30:00Z")},
			},
			want: []visit{
				{Start: "10:00:00", End: "11:05:00", Day: "2025-11-12", First: "a", Last: "d", Entry: "/a", Exit: "/d", Pageviews: 5, Events: 5},
				{Start: "12:00:00", End: "12:30:00", Day: "2025-11-12", First: "e", Last: "y", Entry: "/e", Exit: "/y", Pageviews: 2, Events: 2},
			},
		},
		{
			name: "batch_reaching_a_visit_that_started_before_it",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T09:00:00Z"), page("b", "s", "/b", "u", "2025-11-12T09:25:00Z"), page("c", "s", "/c", "u", "2025-11-12T09:50:00Z")},
				{page("e", "s", "/e", "u", "2025-11-12T12:00:00Z")},
				{page("x", "s", "/x", "u", "2025-11-12T10:15:00Z"), page("y", "s", "/y", "u", "2025-11-12T12:10:00Z")},
			},
			want: []visit{
				{Start: "09:00:00", End: "10:15:00", Day: "2025-11-12", First: "a", Last: "x", Entry: "/a", Exit: "/x", Pageviews: 4, Events: 4},
				{Start: "12:00:00", End: "12:10:00", Day: "2025-11-12", First: "e", Last: "y", Entry: "/e", Exit: "/y", Pageviews: 2, Events: 2},
			},
		},
		{
			name: "late_earlier_event_changes_entry_page_and_source",
			batches: [][]event.Event{
				{withSource(page("b", "s", "/b", "u", "2025-11-12T10:10:00Z"), "Twitter")},
				{withSource(page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), "Google")},
			},
			want: []visit{{Start: "10:00:00", End: "10:10:00", Day: "2025-11-12", First: "a", Last: "b", Entry: "/a", Exit: "/b", Pageviews: 2, Events: 2, Source: "Google"}},
		},
		{
			name: "gap_of_exactly_30_minutes_is_one_visit_and_longer_is_two",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), page("b", "s", "/b", "u", "2025-11-12T10:30:00Z")},
				{page("c", "s", "/c", "u", "2025-11-12T11:00:01Z")},
			},
			want: []visit{
				{Start: "10:00:00", End: "10:30:00", Day: "2025-11-12", First: "a", Last: "b", Entry: "/a", Exit: "/b", Pageviews: 2, Events: 2},
				{Start: "11:00:01", End: "11:00:01", Day: "2025-11-12", First: "c", Last: "c", Entry: "/c", Exit: "/c", Pageviews: 1, Events: 1},
			},
		},
		{
			name: "same_instant_is_ordered_by_event_id",
			batches: [][]event.Event{
				{page("b", "s", "/b", "u", "2025-11-12T10:00:00Z")},
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z")},
			},
			want: []visit{{Start: "10:00:00", End: "10:00:00", Day: "2025-11-12", First: "a", Last: "b", Entry: "/a", Exit: "/b", Pageviews: 2, Events: 2}},
		},
		{
			name: "late_event_inside_a_visit_changes_only_its_counts",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), page("c", "s", "/c", "u", "2025-11-12T10:20:00Z")},
				{page("b", "s", "/b", "u", "2025-11-12T10:10:00Z")},
			},
			want: []visit{{Start: "10:00:00", End: "10:20:00", Day: "2025-11-12", First: "a", Last: "c", Entry: "/a", Exit: "/c", Pageviews: 3, Events: 3}},
		},
		{
			name: "late_event_at_the_end_instant_with_a_smaller_id_keeps_the_last_event",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), page("c", "s", "/c", "u", "2025-11-12T10:10:00Z")},
				{page("b", "s", "/b", "u", "2025-11-12T10:10:00Z")},
				{page("d", "s", "/d", "u", "2025-11-12T10:10:00Z")},
			},
			want: []visit{{Start: "10:00:00", End: "10:10:00", Day: "2025-11-12", First: "a", Last: "d", Entry: "/a", Exit: "/d", Pageviews: 4, Events: 4}},
		},
		{
			name: "duplicates_count_once",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), page("a", "s", "/a", "u", "2025-11-12T10:00:00Z")},
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), page("b", "s", "/b", "u", "2025-11-12T10:05:00Z")},
				{page("b", "s", "/b", "u", "2025-11-12T10:05:00Z")},
			},
			want: []visit{{Start: "10:00:00", End: "10:05:00", Day: "2025-11-12", First: "a", Last: "b", Entry: "/a", Exit: "/b", Pageviews: 2, Events: 2}},
		},
		{
			name: "bots_are_in_no_visit",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), bot(page("b", "s", "/b", "u", "2025-11-12T09:55:00Z"))},
			},
			want: []visit{{Start: "10:00:00", End: "10:00:00", Day: "2025-11-12", First: "a", Last: "a", Entry: "/a", Exit: "/a", Pageviews: 1, Events: 1}},
		},
		{
			name: "other_events_count_but_are_not_page_views",
			batches: [][]event.Event{
				{page("a", "s", "/a", "u", "2025-11-12T10:00:00Z"), {EventID: "k", SiteID: "s", EventType: "click", Path: "/a", UserID: "u", Timestamp: at("2025-11-12T10:01:00Z")}},
			},
			want: []visit{{Start: "10:00:00", End: "10:01:00", Day: "2025-11-12", First: "a", Last: "k", Entry: "/a", Exit: "/a", Pageviews: 1, Events: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pool := testenv.Database(t)
			for _, batch := range tt.batches {
				_, err := projections.Apply(context.Background(), pool, batch)
				require.NoError(t, err)
			}
			require.Equal(t, tt.want, visitsOf(t, pool, "s"))
		})
	}
}

func TestApplyCountsLocalDays(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	register(t, pool, "kolkata", "Asia/Kolkata")
	register(t, pool, "new-york", "America/New_York")
	var batch []event.Event
	for _, site := range []string{"kolkata", "new-york", "utc"} {
		batch = append(batch,
			page("1", site, "/a", "u", "2025-11-12T18:20:00Z"), // Kolkata 23:50 on the 12th, New York 13:20
			page("2", site, "/b", "u", "2025-11-12T18:40:00Z"), // Kolkata 00:10 on the 13th
			page("3", site, "/c", "v", "2025-11-13T04:50:00Z"), // New York 23:50 on the 12th
			page("4", site, "/d", "v", "2025-11-13T05:10:00Z"), // New York 00:10 on the 13th
		)
	}
	n, err := projections.Apply(context.Background(), pool, batch)
	require.NoError(t, err)
	require.Equal(t, 12, n)

	want := map[string]map[string][]string{
		"kolkata": {
			"daily_aggregates": {"2025-11-12|1|1|1", "2025-11-13|3|3|2"},
			"hours":            {"2025-11-12 23:00:00|/a", "2025-11-13 00:00:00|/b", "2025-11-13 10:00:00|/c", "2025-11-13 10:00:00|/d"},
			"visits":           {"2025-11-12|/a|/b", "2025-11-13|/c|/d"},
		},
		"new-york": {
			"daily_aggregates": {"2025-11-12|3|3|2", "2025-11-13|1|1|1"},
			"hours":            {"2025-11-12 13:00:00|/a", "2025-11-12 13:00:00|/b", "2025-11-12 23:00:00|/c", "2025-11-13 00:00:00|/d"},
			"visits":           {"2025-11-12|/a|/b", "2025-11-12|/c|/d"},
		},
		"utc": {
			"daily_aggregates": {"2025-11-12|2|2|1", "2025-11-13|2|2|1"},
			"hours":            {"2025-11-12 18:00:00|/a", "2025-11-12 18:00:00|/b", "2025-11-13 04:00:00|/c", "2025-11-13 05:00:00|/d"},
			"visits":           {"2025-11-12|/a|/b", "2025-11-13|/c|/d"},
		},
	}
	for site, tables := range want {
		got := projectionRows(t, pool, site)
		require.Equal(t, tables["daily_aggregates"], got["daily_aggregates"], site)
		require.Equal(t, tables["hours"], localHours(t, pool, site), site)
		require.Equal(t, tables["visits"], visitDays(t, pool, site), site)
	}
}

func withSource(e event.Event, source string) event.Event {
	e.Source = source
	return e
}

func bot(e event.Event) event.Event {
	e.Bot = true
	return e
}

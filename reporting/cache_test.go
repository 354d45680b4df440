package reporting_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

const day = "2025-11-12"

func TestStatsCacheServesCachedAnswer(t *testing.T) {
	t.Parallel()
	s := newCachedServer(t, 100, ev("1", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"))
	first := s.stats(t, "site_id=s&date="+day)
	require.Equal(t, stats{SiteID: "s", Date: day, TotalViews: 1, UniqueUsers: 1, TopPaths: []pathViews{{"/a", 1}}}, first)
	require.Equal(t, 1, s.cache.Len())

	s.addViewsUnseen(t, "s", day)
	require.Equal(t, first, s.stats(t, "site_id=s&date="+day), "the second answer comes from the cache")
	require.Equal(t, 1, s.cache.Len())
}

func TestStatsCacheShowsAppliedEvents(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	today := now.Format(time.DateOnly)
	s := newCachedServer(t, 100,
		ev("1", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
		event.Event{EventID: "now-1", SiteID: "s", EventType: event.PageView, Path: "/now", UserID: "u1", Timestamp: now},
	)
	require.Equal(t, int64(1), s.stats(t, "site_id=s&date="+day).TotalViews)
	require.Equal(t, int64(1), s.stats(t, "site_id=s&date="+today).TotalViews)
	require.Equal(t, 2, s.cache.Len())

	s.apply(t,
		ev("2", "s", event.PageView, "/b", "u2", "2025-11-12T11:00:00Z"),
		ev("3", "s", "click", "/b", "u3", "2025-11-12T12:00:00Z"),
	)
	s.eventually(t, "site_id=s&date="+day,
		stats{SiteID: "s", Date: day, TotalViews: 2, UniqueUsers: 3, TopPaths: []pathViews{{"/a", 1}, {"/b", 1}}})

	s.apply(t, event.Event{EventID: "now-2", SiteID: "s", EventType: event.PageView, Path: "/now", UserID: "u2", Timestamp: now})
	s.eventually(t, "site_id=s&date="+today,
		stats{SiteID: "s", Date: today, TotalViews: 2, UniqueUsers: 2, TopPaths: []pathViews{{"/now", 2}}})
}

func TestStatsCacheForgetsEverything(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		sql  string
		want stats // the answer for site s once forgotten; a site's change unseen by the cache adds 100 views
	}{
		{
			name: "notify_star",
			sql:  `SELECT pg_notify('stats_changed', '*')`,
			want: stats{SiteID: "s", Date: day, TotalViews: 1, UniqueUsers: 1, TopPaths: []pathViews{{"/a", 101}}},
		},
		{
			name: "unreadable_payload",
			sql:  `SELECT pg_notify('stats_changed', 'no-day-here')`,
			want: stats{SiteID: "s", Date: day, TotalViews: 1, UniqueUsers: 1, TopPaths: []pathViews{{"/a", 101}}},
		},
		{
			name: "truncate",
			sql:  `TRUNCATE daily_aggregates, daily_path_views`,
			want: stats{SiteID: "s", Date: day, TopPaths: []pathViews{}},
		},
		{
			name: "delete",
			sql:  `DELETE FROM daily_aggregates WHERE site_id = 'other'`,
			want: stats{SiteID: "s", Date: day, TotalViews: 1, UniqueUsers: 1, TopPaths: []pathViews{{"/a", 101}}},
		},
		{
			name: "site_too_long_to_name",
			sql: `INSERT INTO daily_aggregates (site_id, day, total_views, total_events, unique_users)
			      VALUES (repeat('x', 7900), '2025-11-13', 1, 1, 0)`,
			want: stats{SiteID: "s", Date: day, TotalViews: 1, UniqueUsers: 1, TopPaths: []pathViews{{"/a", 101}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newCachedServer(t, 100,
				ev("1", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
				ev("2", "other", event.PageView, "/o", "u1", "2025-11-12T10:00:00Z"),
			)
			s.stats(t, "site_id=s&date="+day)
			s.stats(t, "site_id=other&date="+day)
			require.Equal(t, 2, s.cache.Len())
			s.addViewsUnseen(t, "s", day)

			s.exec(t, tc.sql)
			s.eventually(t, "site_id=s&date="+day, tc.want)
		})
	}
}

func TestStatsCacheSiteIDWithSeparators(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		site string
	}{
		{name: "pipe", site: "a|b"},
		{name: "pipe_and_date", site: "a|2025-11-12"},
		{name: "only_pipe", site: "|"},
		{name: "newline", site: "line\nbreak"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			site := tc.site
			s := newCachedServer(t, 100, ev("1", site, event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"))
			query := "site_id=" + url.QueryEscape(site) + "&date=" + day
			require.Equal(t, int64(1), s.stats(t, query).TotalViews)
			s.apply(t, ev("2", site, event.PageView, "/a", "u2", "2025-11-12T11:00:00Z"))
			s.eventually(t, query, stats{SiteID: site, Date: day, TotalViews: 2, UniqueUsers: 2, TopPaths: []pathViews{{"/a", 2}}})
		})
	}
}

func TestStatsCacheKeepsMostRecentlyUsed(t *testing.T) {
	t.Parallel()
	var events []event.Event
	for _, site := range []string{"s1", "s2", "s3", "s4", "s5"} {
		events = append(events, ev(site, site, event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"))
	}
	s := newCachedServer(t, 3, events...)
	query := func(site string) string { return "site_id=" + site + "&date=" + day }
	for _, site := range []string{"s1", "s2", "s3", "s1", "s4", "s5"} {
		s.stats(t, query(site))
		require.LessOrEqual(t, s.cache.Len(), 3)
	}
	require.Equal(t, 3, s.cache.Len())

	// s1 was used after s2 and s3, so s2 and s3 went when s4 and s5 came.
	for _, site := range []string{"s1", "s2", "s3", "s4", "s5"} {
		s.addViewsUnseen(t, site, day)
	}
	for _, tc := range []struct {
		site  string
		views int64
	}{{"s5", 1}, {"s4", 1}, {"s1", 1}, {"s2", 101}, {"s3", 101}} {
		want := stats{SiteID: tc.site, Date: day, TotalViews: 1, UniqueUsers: 1, TopPaths: []pathViews{{"/a", tc.views}}}
		require.Equal(t, want, s.stats(t, query(tc.site)), "site %s", tc.site)
	}
	require.Equal(t, 3, s.cache.Len())
}

// TestStatsCacheRecentDaysExpire caches today's answer and changes it without a notification (today's
// commits send none): no answer requested later than maxStaleness after it was cached may still be it.
func TestStatsCacheRecentDaysExpire(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	today := now.Format(time.DateOnly)
	pool := testenv.Database(t)
	_, err := processor.NewStore(pool).Apply(context.Background(), []event.Event{{EventID: "1", SiteID: "s", EventType: event.PageView, Path: "/a", Timestamp: now}})
	require.NoError(t, err)
	s := startCachedServerListening(t, pool, pool.Config().ConnConfig, 100, maxStaleness, reporting.NewStore(pool))
	query := "site_id=s&date=" + today
	cached := s.stats(t, query)
	cachedAt := time.Now()
	require.Equal(t, 1, s.cache.Len())

	s.addViewsUnseen(t, "s", today)
	deadline := cachedAt.Add(10 * maxStaleness)
	for {
		asked := time.Now()
		got := s.stats(t, query)
		if got.TopPaths[0].Views == 101 {
			break
		}
		require.Equal(t, cached, got)
		require.Less(t, asked.Sub(cachedAt), maxStaleness, "today's answer served %s after it was cached", asked.Sub(cachedAt))
		require.True(t, asked.Before(deadline))
		time.Sleep(5 * time.Millisecond)
	}
}

package reporting_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

func TestStatsCacheBypassedWhileDisconnected(t *testing.T) {
	t.Parallel()
	s := newCachedServer(t, 100, ev("1", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"))
	query := "site_id=s&date=" + day
	s.stats(t, query)
	require.Equal(t, 1, s.cache.Len())

	s.unreachable.Store(true)
	s.exec(t, `SELECT pg_terminate_backend($1)`, s.listenerPID(t))
	require.Eventually(t, func() bool { return !s.cache.Listening() }, 10*time.Second, 5*time.Millisecond)
	require.Equal(t, 0, s.cache.Len(), "a lost connection empties the cache")

	// Bypassed, the cache answers nothing: every change shows at once, even one that notifies nothing.
	s.addViewsUnseen(t, "s", day)
	require.Equal(t, stats{SiteID: "s", Date: day, TotalViews: 1, UniqueUsers: 1, TopPaths: []pathViews{{"/a", 101}}}, s.stats(t, query))
	s.apply(t, ev("2", "s", event.PageView, "/a", "u2", "2025-11-12T11:00:00Z"))
	require.Equal(t, stats{SiteID: "s", Date: day, TotalViews: 2, UniqueUsers: 2, TopPaths: []pathViews{{"/a", 102}}}, s.stats(t, query))
	require.Equal(t, 0, s.cache.Len())

	s.unreachable.Store(false)
	require.Eventually(t, s.cache.Listening, 10*time.Second, 5*time.Millisecond, "the listener never came back")
	cached := s.stats(t, query)
	require.Equal(t, stats{SiteID: "s", Date: day, TotalViews: 2, UniqueUsers: 2, TopPaths: []pathViews{{"/a", 102}}}, cached)
	require.Equal(t, 1, s.cache.Len())
	s.addViewsUnseen(t, "s", day)
	require.Equal(t, cached, s.stats(t, query), "caching resumed")
	s.apply(t, ev("3", "s", event.PageView, "/a", "u3", "2025-11-12T12:00:00Z"))
	s.eventually(t, query, stats{SiteID: "s", Date: day, TotalViews: 3, UniqueUsers: 3, TopPaths: []pathViews{{"/a", 203}}})
}

package reporting_test

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/reporting"
)

// heldReader holds the first read of site "held" after it has read, until released.
type heldReader struct {
	reporting.StatsReader
	armed   atomic.Bool
	read    chan struct{}
	release chan struct{}
}

func (r *heldReader) Stats(ctx context.Context, siteID string, day time.Time) (reporting.DayStats, error) {
	stats, err := r.StatsReader.Stats(ctx, siteID, day)
	if siteID == "held" && r.armed.CompareAndSwap(true, false) {
		close(r.read)
		<-r.release
	}
	return stats, err
}

// TestStatsCacheDiscardsAnswerReadBeforeInvalidation holds a request after it read "held" (one view) and
// before it stores its answer, invalidates meanwhile, and requires that the answer is not cached.
func TestStatsCacheDiscardsAnswerReadBeforeInvalidation(t *testing.T) {
	t.Parallel()
	withViews := func(site string, users, views int64) stats {
		return stats{SiteID: site, Date: day, TotalViews: users, UniqueUsers: users, TopPaths: []pathViews{{"/a", views}}}
	}
	cases := []struct {
		name       string
		invalidate func(t *testing.T, s *cachedServer) // returns once the cache has applied it
		want       stats                               // the answer for "held" afterwards
	}{
		{
			// One statement changes both sites, so one notification forgets both: once the witness shows
			// the change, the held request's key has been invalidated too.
			name: "key_changed",
			invalidate: func(t *testing.T, s *cachedServer) {
				s.apply(t,
					ev("3", "held", event.PageView, "/a", "u2", "2025-11-12T11:00:00Z"),
					ev("4", "witness", event.PageView, "/a", "u2", "2025-11-12T11:00:00Z"),
				)
				s.eventually(t, "site_id=witness&date="+day, withViews("witness", 2, 2))
			},
			want: withViews("held", 2, 2),
		},
		{
			name: "everything_forgotten",
			invalidate: func(t *testing.T, s *cachedServer) {
				s.addViewsUnseen(t, "held", day)
				s.addViewsUnseen(t, "witness", day)
				s.exec(t, `SELECT pg_notify('stats_changed', '*')`)
				s.eventually(t, "site_id=witness&date="+day, withViews("witness", 1, 101))
			},
			want: withViews("held", 1, 101),
		},
		{
			name: "connection_lost_and_back",
			invalidate: func(t *testing.T, s *cachedServer) {
				s.addViewsUnseen(t, "held", day)
				s.unreachable.Store(true)
				s.exec(t, `SELECT pg_terminate_backend($1)`, s.listenerPID(t))
				require.Eventually(t, func() bool { return !s.cache.Listening() }, 10*time.Second, 5*time.Millisecond)
				s.unreachable.Store(false)
				require.Eventually(t, s.cache.Listening, 10*time.Second, 5*time.Millisecond)
			},
			want: withViews("held", 1, 101),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool := testenv.Database(t)
			s := &cachedServer{pool: pool}
			s.apply(t,
				ev("1", "held", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
				ev("2", "witness", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
			)
			reader := &heldReader{StatsReader: reporting.NewStore(pool), read: make(chan struct{}), release: make(chan struct{})}
			reader.armed.Store(true)
			s = startCachedServer(t, pool, 100, reader)
			s.stats(t, "site_id=witness&date="+day)

			answered := make(chan []byte, 1)
			go func() {
				res, err := http.Get(s.url + "/stats?site_id=held&date=" + day)
				if err != nil {
					answered <- []byte(err.Error())
					return
				}
				defer res.Body.Close()
				body, _ := io.ReadAll(res.Body)
				answered <- body
			}()
			<-reader.read
			tc.invalidate(t, s)
			close(reader.release)

			require.JSONEq(t, `{"site_id":"held","date":"2025-11-12","total_views":1,"unique_users":1,"top_paths":[{"path":"/a","views":1}]}`,
				string(<-answered), "the held request answers what it read")
			require.Equal(t, tc.want, s.stats(t, "site_id=held&date="+day), "what it read was not cached")
		})
	}
}

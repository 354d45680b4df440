package reporting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// defaultMaxStaleness is reporting.Config's default STATS_CACHE_MAX_STALENESS, which the benchmark measures.
const defaultMaxStaleness = 250 * time.Millisecond

// BenchmarkStaleness measures how long GET /stats keeps answering a cached answer after the commit that
// changed it has returned (when the last request that still got it was sent), with the default STATS_CACHE_MAX_STALENESS (250ms): for a past day with the
// listener's connection working (a notification forgets the answer), for a past day with the connection
// cut silently just before the commit (only the probes' bound ends it), and for today (not notified:
// the answer expires). Each iteration is one commit; run it a fixed number of times, for example:
// go test -run '^$' -bench Staleness -benchtime 40x ./reporting/
func BenchmarkStaleness(b *testing.B) {
	past := time.Date(2025, 11, 12, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		day    time.Time
		silent bool
	}{
		{name: "past_day_connection_working", day: past},
		{name: "past_day_connection_silent", day: past, silent: true},
		{name: "today", day: time.Now().UTC().Truncate(24 * time.Hour)},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			pool := testenv.Database(b)
			var stale []time.Duration
			var s *cachedServer
			for i := 0; b.Loop(); i++ {
				fault := func() {}
				switch {
				case tc.silent: // a new listener behind a proxy each time
					cfg := pool.Config().ConnConfig
					proxy := newSilentProxy(b, net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)))
					cfg.Host, cfg.Port = "127.0.0.1", proxy.port()
					s = startCachedServerListening(b, pool, cfg, 100, defaultMaxStaleness, reporting.NewStore(pool))
					fault = func() { proxy.silent.Store(true) }
				case s == nil:
					s = startCachedServerListening(b, pool, pool.Config().ConnConfig, 100, defaultMaxStaleness, reporting.NewStore(pool))
				}
				stale = append(stale, staleAfterCommit(b, s, i, tc.day, fault))
			}
			reportStaleness(b, stale)
		})
	}
}

// staleAfterCommit caches the answer for a site of its own on day, runs fault, commits one more page view
// for it and returns how long after the commit returned the last request was sent that /stats answered
// with the old count (0 if none was).
func staleAfterCommit(b *testing.B, s *cachedServer, i int, day time.Time, fault func()) time.Duration {
	b.Helper()
	site := fmt.Sprint("site-", i)
	store := processor.NewStore(s.pool)
	view := func(n int) {
		e := event.Event{EventID: fmt.Sprint(site, "-", n), SiteID: site, EventType: event.PageView, Path: "/a",
			Timestamp: day.Add(time.Duration(n) * time.Minute)}
		if _, err := store.Apply(context.Background(), []event.Event{e}); err != nil {
			b.Fatal(err)
		}
	}
	view(0)
	url := s.url + "/stats?date=" + day.Format(time.DateOnly) + "&site_id=" + site
	totalViews(b, url) // cached
	fault()
	view(1)
	committed := time.Now()
	var stale time.Duration
	for {
		asked := time.Since(committed)
		if totalViews(b, url) == 2 {
			return stale
		}
		stale = asked
	}
}

func totalViews(b *testing.B, url string) int64 {
	res, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		TotalViews int64 `json:"total_views"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		b.Fatal(err)
	}
	return body.TotalViews
}

func reportStaleness(b *testing.B, stale []time.Duration) {
	slices.Sort(stale)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(stale[len(stale)/2]), "p50-ms")
	b.ReportMetric(ms(stale[len(stale)*99/100]), "p99-ms")
	b.ReportMetric(ms(stale[len(stale)-1]), "max-ms")
	b.ReportMetric(0, "ns/op")
}

package reporting_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// Shape of BenchmarkNotifyCost: the writers of two processors (PROCESSOR_WRITERS=2 each), starting batches
// for notifyCostSlice at a time, alternately with and without the triggers, notifyCostRounds times.
const (
	notifyCostWriters = 4
	notifyCostSlice   = 500 * time.Millisecond
	notifyCostRounds  = 15
)

// BenchmarkNotifyCost measures the commit throughput the stats_changed triggers cost: four writers commit
// batches with the processor's own statement (processor.Store.Apply) into a database with the triggers
// and into one with them dropped, alternating in slices of half a second so that both see the same moments of
// a busy machine, while a connection LISTENs as reporting does. It reports both medians and the median of
// the slices' ratios (with/without). Small batches are the worst case: every commit that notifies takes
// the cluster-wide NOTIFY lock. Events dated today (live traffic) notify nothing since migrations/00005;
// events dated in the past (late or back-filled) still do. Run:
// go test -run '^$' -bench NotifyCost -benchtime 1x ./reporting/
func BenchmarkNotifyCost(b *testing.B) {
	days := []struct {
		name string
		day  time.Time
	}{{"today", time.Now().UTC().Truncate(24 * time.Hour)}, {"past", time.Date(2025, 11, 12, 0, 0, 0, 0, time.UTC)}}
	for _, d := range days {
		for _, size := range []int{1, 16, 2000} {
			b.Run(fmt.Sprint(d.name, "_batch_", size), func(b *testing.B) { notifyCost(b, d.day, size) })
		}
	}
}

// notifyCost is BenchmarkNotifyCost for batches of size events dated on day.
func notifyCost(b *testing.B, day time.Time, size int) {
	with, without := testenv.Database(b), testenv.Database(b)
	if _, err := without.Exec(context.Background(), dropNotifyTriggers); err != nil {
		b.Fatal(err)
	}
	for _, pool := range []*pgxpool.Pool{with, without} {
		listenAndDiscard(b, pool)
	}
	var on, off, ratios []float64
	var next atomic.Int64
	for b.Loop() {
		for round := range notifyCostRounds {
			pools := []*pgxpool.Pool{with, without}
			if round%2 == 1 {
				slices.Reverse(pools)
			}
			rates := map[*pgxpool.Pool]float64{}
			for _, pool := range pools {
				rates[pool] = commitRate(b, pool, day, size, &next)
			}
			on, off = append(on, rates[with]), append(off, rates[without])
			ratios = append(ratios, rates[with]/rates[without])
		}
	}
	b.ReportMetric(median(on), "events/s-with")
	b.ReportMetric(median(off), "events/s-without")
	b.ReportMetric(median(ratios), "ratio")
	b.ReportMetric(0, "ns/op")
	b.Logf("round ratios %.2f", ratios)
}

// dropNotifyTriggers removes the notify triggers: inserted and updated as migrations/00005 recreated them
// (same names as in 00002), deleted and truncated as 00002 created them.
const dropNotifyTriggers = `
DROP TRIGGER daily_aggregates_inserted_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_updated_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_deleted_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_truncated_notify ON daily_aggregates;`

// commitRate has notifyCostWriters writers apply batches of size events dated on day to pool, starting
// batches for notifyCostSlice, and returns the events per second committed until the last batch did.
func commitRate(b *testing.B, pool *pgxpool.Pool, day time.Time, size int, next *atomic.Int64) float64 {
	b.Helper()
	store := processor.NewStore(pool)
	var committed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	stop := start.Add(notifyCostSlice)
	for range notifyCostWriters {
		wg.Go(func() {
			for time.Now().Before(stop) {
				batch := make([]event.Event, size)
				for i := range batch {
					n := next.Add(1)
					batch[i] = event.Event{EventID: fmt.Sprint("e", n), SiteID: fmt.Sprint("site-", n%20), EventType: event.PageView,
						Path: fmt.Sprint("/p/", n%50), UserID: fmt.Sprint("u", n%500), Timestamp: day.Add(time.Duration(n%1440) * time.Minute)}
				}
				if _, err := store.Apply(context.Background(), batch); err != nil {
					b.Error(err)
					return
				}
				committed.Add(int64(size))
			}
		})
	}
	wg.Wait()
	return float64(committed.Load()) / time.Since(start).Seconds()
}

// listenAndDiscard LISTENs on stats_changed on pool's database, as reporting does, and reads the
// notifications until the benchmark ends.
func listenAndDiscard(b *testing.B, pool *pgxpool.Pool) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "LISTEN stats_changed"); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if _, err := conn.Conn().WaitForNotification(ctx); err != nil && ctx.Err() == nil {
				return
			}
		}
	}()
	b.Cleanup(func() {
		cancel()
		<-done
		conn.Hijack().Close(context.Background())
	})
}

func median(values []float64) float64 {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

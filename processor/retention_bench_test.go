package processor_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// BenchmarkRetention measures one retention run over a table of 1M raw events older than the retention
// and 200k recent ones (physically after them, as time orders them), with the default batch size, while
// one writer projects single events in a loop. Before it, a run that finds nothing to delete in the
// 1.2M rows (what every run costs on a table of that size), after it a run over what it left. It reports
// the run's rows/s, both other runs' seconds, and the writer's insert latencies (p99 and max) during the first run and during a period as
// long without retention, so that a stall shows as the difference. Run it with -benchtime 1x.
func BenchmarkRetention(b *testing.B) {
	const old, recent = 1_000_000, 200_000
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		pool := testenv.Database(b)
		seedRaw(b, pool, old, recent)
		cfg := processor.Config{}
		cfg.SetDefaults()
		retention := processor.NewRetention(pool, 30*24*time.Hour, cfg.RetentionBatchSize)
		start := time.Now()
		none, err := processor.NewRetention(pool, 90*24*time.Hour, cfg.RetentionBatchSize).Run(ctx, time.Now())
		if err != nil || none != 0 {
			b.Fatalf("run with nothing to delete: deleted %d, %v", none, err)
		}
		scan := time.Since(start)

		var deleted int64
		var took time.Duration
		during := writeWhile(b, pool, "during", func() {
			start := time.Now()
			var err error
			deleted, err = retention.Run(ctx, time.Now())
			took = time.Since(start)
			if err != nil {
				b.Error(err)
			}
		})
		without := writeWhile(b, pool, "without", func() { time.Sleep(took) })
		start = time.Now()
		again, err := retention.Run(ctx, time.Now())
		if err != nil || again != 0 {
			b.Fatalf("second run: deleted %d, %v", again, err)
		}
		empty := time.Since(start)
		b.StartTimer()

		if deleted != old {
			b.Fatalf("deleted %d, want %d", deleted, old)
		}
		b.ReportMetric(took.Seconds(), "run_s")
		b.ReportMetric(float64(deleted)/took.Seconds(), "rows/s")
		b.ReportMetric(scan.Seconds(), "nothing_to_delete_s")
		b.ReportMetric(empty.Seconds(), "after_run_s")
		b.ReportMetric(percentile(during, 0.99), "insert_p99_ms_during")
		b.ReportMetric(percentile(during, 1), "insert_max_ms_during")
		b.ReportMetric(percentile(without, 0.99), "insert_p99_ms_without")
		b.ReportMetric(percentile(without, 1), "insert_max_ms_without")
		b.Logf("writer: %d inserts during the run, %d without", len(during), len(without))
	}
}

// seedRaw inserts raw events only (retention never reads the projections): old ones 60 days back, then
// recent ones.
func seedRaw(b *testing.B, pool *pgxpool.Pool, old, recent int) {
	b.Helper()
	_, err := pool.Exec(context.Background(), `
		INSERT INTO events (event_id, site_id, event_type, path, user_id, occurred_at)
		SELECT 'seed-' || g, 'site-' || g % 100, 'page_view', '/p/' || g % 1000, 'u' || g % 50000,
		       now() - interval '60 days' + g * interval '1 millisecond'
		FROM generate_series(1, $1) g
		UNION ALL
		SELECT 'recent-' || g, 'site-' || g % 100, 'page_view', '/p/' || g % 1000, 'u' || g % 50000, now()
		FROM generate_series(1, $2) g`, old, recent)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(context.Background(), "VACUUM ANALYZE events"); err != nil {
		b.Fatal(err)
	}
}

// writeWhile projects single events one after another while fn runs, and returns each one's latency
// in milliseconds.
func writeWhile(b *testing.B, pool *pgxpool.Pool, prefix string, fn func()) []float64 {
	b.Helper()
	store := processor.NewStore(pool)
	var stop atomic.Bool
	done := make(chan []float64)
	go func() {
		var latencies []float64
		for i := 0; !stop.Load(); i++ {
			start := time.Now()
			_, err := store.Apply(context.Background(), []event.Event{{EventID: fmt.Sprint(prefix, "-", i), SiteID: "live",
				EventType: event.PageView, Path: "/", UserID: "u", Timestamp: time.Now()}})
			if err != nil {
				b.Error(err)
				break
			}
			latencies = append(latencies, float64(time.Since(start).Microseconds())/1000)
		}
		done <- latencies
	}()
	fn()
	stop.Store(true)
	return <-done
}

// percentile returns the q-th quantile (0 < q <= 1) of values.
func percentile(values []float64, q float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(values))
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

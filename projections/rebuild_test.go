package projections_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
)

// sites are the sites of randomEvents with their zones ("" is unregistered, UTC).
var sites = map[string]string{"kolkata": "Asia/Kolkata", "new-york": "America/New_York", "plain": ""}

// randomEvents returns n events of the sites over two days around the New York DST change of 2025-11-02,
// in bursts so that visits form, merge and cross midnights; some anonymous, some bots', with captured
// fields and props.
func randomEvents(r *rand.Rand, n int) []event.Event {
	start := time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)
	names := []string{"kolkata", "new-york", "plain"}
	events := make([]event.Event, n)
	for i := range events {
		e := event.Event{
			EventID: fmt.Sprintf("e%03d", i), SiteID: names[r.IntN(len(names))], EventType: event.PageView,
			Path:      fmt.Sprintf("/p%d", r.IntN(5)),
			Timestamp: start.Add(time.Duration(r.IntN(48*12)) * 5 * time.Minute).Add(time.Duration(r.IntN(3)) * time.Second),
		}
		if r.IntN(4) == 0 {
			e.EventType = "signup"
		}
		if r.IntN(5) > 0 {
			e.UserID = fmt.Sprintf("u%d", r.IntN(6))
		}
		if r.IntN(3) == 0 {
			e.VisitorID = int64(r.IntN(3) + 1) // a cookieless visitor
		}
		e.Bot = r.IntN(15) == 0
		e.Hostname = []string{"", "example.com", "www.example.com"}[r.IntN(3)]
		e.Source = []string{"", "Google", "Twitter"}[r.IntN(3)]
		e.UTMCampaign = []string{"", "launch"}[r.IntN(2)]
		e.Browser, e.OS, e.Device = []string{"", "Chrome"}[r.IntN(2)], []string{"", "iOS"}[r.IntN(2)], []string{"", "Mobile"}[r.IntN(2)]
		if r.IntN(3) == 0 {
			e.Props = map[string]string{"plan": []string{"free", "pro"}[r.IntN(2)]}
		}
		events[i] = e
	}
	return events
}

// deliver applies events shuffled, with duplicates, in random batches, from three writers at once.
func deliver(pool *pgxpool.Pool, r *rand.Rand, events []event.Event) error {
	stream := append(append([]event.Event{}, events...), events[:len(events)/3]...)
	r.Shuffle(len(stream), func(i, j int) { stream[i], stream[j] = stream[j], stream[i] })
	var batches [][]event.Event
	for len(stream) > 0 {
		size := min(len(stream), 1+r.IntN(40))
		batches = append(batches, stream[:size])
		stream = stream[size:]
	}
	work := make(chan []event.Event)
	var wg sync.WaitGroup
	errs := make(chan error, len(batches))
	for range 3 {
		wg.Go(func() {
			for batch := range work {
				_, err := projections.Apply(context.Background(), pool, batch)
				errs <- err
			}
		})
	}
	for _, b := range batches {
		work <- b
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func newDatabase(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := testenv.Database(t)
	for site, zone := range sites {
		if zone != "" {
			register(t, pool, site, zone)
		}
	}
	return pool
}

func TestRebuildEqualsApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed_", seed), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, 12))
			pool := newDatabase(t)
			require.NoError(t, deliver(pool, r, randomEvents(r, 400)))
			applied := map[string]map[string][]string{}
			for site := range sites {
				applied[site] = projectionRows(t, pool, site)
				require.NotEmpty(t, applied[site]["visits"], site)
			}
			_, err := pool.Exec(ctx, `DELETE FROM visits; DELETE FROM hourly_visitors; UPDATE daily_aggregates SET total_views = 0;
				DELETE FROM daily_path_views WHERE path = '/p1'; DELETE FROM daily_unique_users WHERE user_id = 'u1'`)
			require.NoError(t, err)

			var progress []projections.Progress
			require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{
				Progress: func(p projections.Progress) { progress = append(progress, p) },
			}))
			for site := range sites {
				require.Equal(t, applied[site], projectionRows(t, pool, site), site)
			}
			require.Len(t, progress, len(sites))
			require.Equal(t, len(sites), progress[len(sites)-1].Done)
		})
	}
}

// A rebuild of some days recomputes exactly those days, and the visits starting on them whole, also when
// they run past the last day; the visits and days around are left as they were.
func TestRebuildRangeEqualsApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 12))
	pool := newDatabase(t)
	require.NoError(t, deliver(pool, r, randomEvents(r, 400)))
	applied := projectionRows(t, pool, "new-york")
	_, err := pool.Exec(ctx, `UPDATE visits SET pageviews = 99 WHERE site_id = 'new-york';
		UPDATE hourly_visitors SET events = 99 WHERE site_id = 'new-york'; UPDATE daily_aggregates SET total_views = 99`)
	require.NoError(t, err)
	corrupted := projectionRows(t, pool, "new-york")
	day := time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC)
	require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{SiteID: "new-york", From: day, To: day}))

	inRange := func(row string) bool {
		return strings.Contains(row, "|2025-11-02|") || strings.HasPrefix(row, "2025-11-02")
	}
	want := map[string][]string{}
	for table := range applied {
		want[table] = []string{}
		for _, row := range applied[table] {
			if inRange(row) {
				want[table] = append(want[table], row)
			}
		}
		for _, row := range corrupted[table] {
			if !inRange(row) {
				want[table] = append(want[table], row)
			}
		}
		slices.Sort(want[table])
	}
	got := projectionRows(t, pool, "new-york")
	for table := range got {
		slices.Sort(got[table])
	}
	require.Equal(t, want, got)
	require.NotEqual(t, applied["visits"], got["visits"], "visits of the day before keep their corruption")
}

func TestRebuildLeavesOtherSitesAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 12))
	pool := newDatabase(t)
	require.NoError(t, deliver(pool, r, randomEvents(r, 200)))
	applied := projectionRows(t, pool, "kolkata")
	_, err := pool.Exec(ctx, `UPDATE visits SET pageviews = 99; UPDATE daily_aggregates SET total_views = 99`)
	require.NoError(t, err)
	other := projectionRows(t, pool, "plain")

	require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{SiteID: "kolkata"}))
	require.Equal(t, applied, projectionRows(t, pool, "kolkata"))
	require.Equal(t, other, projectionRows(t, pool, "plain"))
}

// Rebuilds running while batches are applied leave the projections exactly as Apply alone would: a
// rebuild and a batch of the same site never interleave.
func TestRebuildDuringApplyStaysExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(11, 12))
	pool := newDatabase(t)
	events := randomEvents(r, 600)
	done := make(chan error)
	rebuilds := 0
	go func() { done <- deliver(pool, r, events) }()
	for running := true; running; {
		select {
		case err := <-done:
			require.NoError(t, err)
			running = false
		default:
			require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{}))
			rebuilds++
		}
	}
	during := map[string]map[string][]string{}
	for site := range sites {
		during[site] = projectionRows(t, pool, site)
	}
	require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{}))
	for site := range sites {
		require.Equal(t, projectionRows(t, pool, site), during[site], site)
	}
	require.Positive(t, rebuilds)
	t.Logf("%d rebuilds of every site ran while %d events were delivered", rebuilds, len(events))
}

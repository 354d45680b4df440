package processor_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
)

// projectionTables are every table the processor projects events into.
var projectionTables = []string{"daily_aggregates", "daily_event_types", "daily_path_views", "daily_unique_users"}

// projections returns every row of every projection table, as text, in a stable order.
func projections(t *testing.T, pool *pgxpool.Pool) map[string][]string {
	t.Helper()
	all := map[string][]string{}
	for _, table := range projectionTables {
		name := pgx.Identifier{table}.Sanitize()
		rows, err := pool.Query(context.Background(), `SELECT t::text FROM `+name+` AS t ORDER BY t::text COLLATE "C"`)
		require.NoError(t, err)
		all[table], err = pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		require.NotEmpty(t, all[table], "%s has rows to compare", table)
	}
	return all
}

// rawIDs returns the event_ids of the raw events of site, sorted.
func rawIDs(t *testing.T, pool *pgxpool.Pool, site string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT event_id FROM events WHERE site_id = $1 ORDER BY event_id COLLATE "C"`, site)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return ids
}

// seed projects n events of site at ts through the store, in batches, and returns their ids sorted.
func seed(t *testing.T, pool *pgxpool.Pool, site string, n int, ts string) []string {
	t.Helper()
	store := processor.NewStore(pool)
	var ids []string
	for start := 0; start < n; start += 1000 {
		var batch []event.Event
		for i := start; i < min(n, start+1000); i++ {
			typ := event.PageView
			if i%5 == 0 {
				typ = "click"
			}
			id := fmt.Sprintf("%s-%07d", site, i)
			batch = append(batch, ev(id, site, typ, fmt.Sprint("/p", i%11), fmt.Sprint("u", i%17), ts))
			ids = append(ids, id)
		}
		inserted, err := store.Apply(context.Background(), batch)
		require.NoError(t, err)
		require.Equal(t, len(batch), inserted)
	}
	return ids
}

func TestRetentionRemovesOnlyOldRawEventsAndNoProjection(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	seed(t, pool, "old", 2500, "2026-02-07T11:59:59Z")
	edge := seed(t, pool, "edge", 3, "2026-02-08T12:00:00Z")
	recent := seed(t, pool, "recent", 700, "2026-03-10T11:00:00Z")
	before := projections(t, pool)

	deleted, err := processor.NewRetention(pool, 30*24*time.Hour, 300).Run(context.Background(), now)
	require.NoError(t, err)

	require.Equal(t, int64(2500), deleted, "every event older than 30 days, over several batches")
	require.Empty(t, rawIDs(t, pool, "old"))
	require.Equal(t, edge, rawIDs(t, pool, "edge"), "an event exactly 30 days old is kept")
	require.Equal(t, recent, rawIDs(t, pool, "recent"))
	require.Equal(t, before, projections(t, pool), "every projection row unchanged")

	deleted, err = processor.NewRetention(pool, 30*24*time.Hour, 300).Run(context.Background(), now)
	require.NoError(t, err)
	require.Zero(t, deleted, "a second run finds nothing left to delete")
}

// TestRetentionFindsOldEventsAnywhereInTheTable puts old events behind many blocks of recent ones, and a
// few more at the very end, with batches (and so windows of blocks) much smaller than the table.
func TestRetentionFindsOldEventsAnywhereInTheTable(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	now := time.Now().UTC()
	recent := seed(t, pool, "recent", 4000, now.Format(time.RFC3339))
	seed(t, pool, "old", 1500, "2001-01-01T00:00:00Z")
	seed(t, pool, "last", 3, "2001-01-01T00:00:00Z")
	var blocks int64
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT pg_relation_size('events') / 8192").Scan(&blocks))
	require.Greater(t, blocks, int64(40), "the recent events fill many windows of 7 blocks")

	deleted, err := processor.NewRetention(pool, time.Hour, 7).Run(context.Background(), now)
	require.NoError(t, err)
	require.Equal(t, int64(1503), deleted)
	require.Empty(t, rawIDs(t, pool, "old"))
	require.Empty(t, rawIDs(t, pool, "last"))
	require.Equal(t, recent, rawIDs(t, pool, "recent"))
}

func TestRetentionOfZeroKeepsEveryRawEvent(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	old := seed(t, pool, "old", 10, "2001-01-01T00:00:00Z")
	recent := seed(t, pool, "recent", 10, time.Now().UTC().Add(-time.Minute).Format(time.RFC3339))

	deleted, err := processor.NewRetention(pool, 0, 100).Run(context.Background(), time.Now())
	require.NoError(t, err)
	require.Zero(t, deleted)
	require.Equal(t, old, rawIDs(t, pool, "old"))
	require.Equal(t, recent, rawIDs(t, pool, "recent"))
}

func TestRetentionRunsOneAtATime(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	old := seed(t, pool, "old", 10, "2001-01-01T00:00:00Z")
	ctx := context.Background()
	holder, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer holder.Release()
	var locked bool
	require.NoError(t, holder.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", processor.RetentionLockKey).Scan(&locked))
	require.True(t, locked)

	deleted, err := processor.NewRetention(pool, time.Hour, 100).Run(ctx, time.Now())
	require.ErrorIs(t, err, processor.ErrRetentionBusy)
	require.Zero(t, deleted)
	require.Equal(t, old, rawIDs(t, pool, "old"), "nothing deleted while another run holds the lock")

	_, err = holder.Exec(ctx, "SELECT pg_advisory_unlock($1)", processor.RetentionLockKey)
	require.NoError(t, err)
	deleted, err = processor.NewRetention(pool, time.Hour, 100).Run(ctx, time.Now())
	require.NoError(t, err)
	require.Equal(t, int64(10), deleted)
}

// TestRetentionWhileEventsFlow runs a processor that deletes old raw events on its own
// (RAW_EVENTS_RETENTION, in small batches) while new events flow through it, before, during and after the
// deletion: every new event is counted once, the old raw events go, and the old days' projections stay
// as they were.
func TestRetentionWhileEventsFlow(t *testing.T) {
	t.Parallel()
	const backlog = 1000
	msgCfg := testenv.Messaging(t)
	cfg := processor.Config{DatabaseURL: testenv.ProcessorDatabaseURL(t, msgCfg), Messaging: msgCfg,
		ShutdownTimeout: 5 * time.Second, RawEventsRetention: 24 * time.Hour, RetentionInterval: 50 * time.Millisecond,
		RetentionBatchSize: 200}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	seed(t, pool, "old", 20000, "2025-11-12T10:00:00Z")
	oldDays := projections(t, pool)

	client := testenv.RedisClient(t, msgCfg)
	publisher := messaging.NewRedisPublisher(client, time.Second)
	today := time.Now().UTC()
	publish := func(i int) error {
		payload, err := event.Marshal([]event.Event{{EventID: fmt.Sprint("new-", i), SiteID: "new",
			EventType: event.PageView, Path: "/", UserID: fmt.Sprint("u", i%7), Timestamp: today}})
		if err != nil {
			return err
		}
		return publisher.Publish(msgCfg.Stream, message.NewMessage(watermill.NewUUID(), payload))
	}
	for i := range backlog {
		require.NoError(t, publish(i))
	}
	stop, published := make(chan struct{}), make(chan int, 1)
	go func() {
		i := backlog
		defer func() { published <- i }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := publish(i); err != nil {
				t.Errorf("publish: %v", err)
				return
			}
			i++
		}
	}()

	p := startProcessor(t, cfg)
	overlapped := false
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		handled := p.Handled()
		var old int64
		require.NoError(c, pool.QueryRow(ctx, "SELECT count(*) FROM events WHERE site_id = 'old'").Scan(&old))
		overlapped = overlapped || (old > 0 && old < 20000 && handled > 0)
		require.Zero(c, old, "old raw events left")
	}, 2*time.Minute, 5*time.Millisecond)
	close(stop)
	entries := <-published
	require.True(t, overlapped, "events were projected while the retention run was deleting")
	require.Eventually(t, func() bool { return p.Handled() == int64(entries) }, time.Minute, 10*time.Millisecond,
		"the processor did not handle the %d entries", entries)
	t.Logf("%d new events flowed while 20000 old raw events were deleted", entries)

	require.Len(t, rawIDs(t, pool, "new"), entries, "every new raw event kept")
	got := readDay(t, pool, "new", today.Format(time.DateOnly))
	require.Equal(t, int64(entries), got.views, "every new event counted once")
	require.Equal(t, int64(7), got.users)
	after := projections(t, pool)
	for table, rows := range oldDays {
		var kept []string
		for _, row := range after[table] {
			if strings.HasPrefix(row, "(old,") {
				kept = append(kept, row)
			}
		}
		require.Equal(t, rows, kept, "%s: the old site's rows unchanged", table)
	}
}

// TestRetentionCancelledMidRunReportsWhatItDeletedAndReleasesTheLock cancels runs of small batches
// again and again at moments spread over a batch and the pause after it: each run must report exactly
// the rows it deleted (a batch it committed stays deleted and is counted, even when the cancellation
// arrives while it runs), and must release the lock, so that the next run can start.
func TestRetentionCancelledMidRunReportsWhatItDeletedAndReleasesTheLock(t *testing.T) {
	t.Parallel()
	const old = 5000
	pool := testenv.Database(t)
	seed(t, pool, "old", old, "2001-01-01T00:00:00Z")
	retention := processor.NewRetention(pool, time.Hour, 10)
	var reported int64
	for cycle := range 40 {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(time.Duration(5+cycle%12)*time.Millisecond+time.Duration(cycle)*97*time.Microsecond, cancel)
		deleted, err := retention.Run(ctx, time.Now())
		timer.Stop()
		cancel()
		if err != nil {
			require.ErrorIs(t, err, context.Canceled, "cycle %d", cycle)
		}
		reported += deleted
		left := len(rawIDs(t, pool, "old"))
		require.Equal(t, old-int(reported), left, "cycle %d: the runs report exactly what they deleted", cycle)
		if left == 0 {
			break
		}
	}
	rest, err := processor.NewRetention(pool, time.Hour, 1000).Run(context.Background(), time.Now())
	require.NoError(t, err)
	require.Equal(t, int64(old), reported+rest)
	require.Empty(t, rawIDs(t, pool, "old"))
}

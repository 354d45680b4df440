package faults_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/messaging"
)

// outage is how long Postgres stays down: many times CLAIM_IDLE (5 s in these tests), so that every
// message a processor holds while retrying is one its siblings could claim.
const outage = 60 * time.Second

// TestPostgresDownForAMinuteWithTwoProcessors stops Postgres for a minute while two processors (one
// consumer each) hold messages they cannot write, and checks that each message is applied once when Postgres
// returns: a consumer still retrying keeps its messages, no sibling claims them and writes them again.
func TestPostgresDownForAMinuteWithTwoProcessors(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	second := s.AnotherProcessor("processor-b", "CONSUMER_NAME=fault-processor-b")
	require.NoError(t, second.Start())
	t.Cleanup(func() {
		second.Stop()
		if t.Failed() {
			b, _ := os.ReadFile(second.Log())
			t.Logf("---- processor-b.log (last 3000 bytes)\n%s", tail(string(b), 3000))
		}
	})
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, s.Postgres.URL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	countApplies(t, pool)

	before := <-s.runLoad("up", 1000, nil)
	s.waitCounted(1000, time.Minute)

	s.Postgres.Stop()
	down := time.Now()
	during := <-s.runLoad("down", 2000, nil)
	time.Sleep(outage - time.Since(down))
	require.NoError(t, s.Postgres.Start())
	restarted := time.Now()

	all := before
	all.Acked = append(all.Acked, during.Acked...)
	all.Requests += during.Requests
	all.Failures += during.Failures
	s.waitCounted(int64(len(all.Acked)), 3*time.Minute)
	s.requireExact("postgres down 60 s, two processors", all, time.Since(restarted))

	// Every entry handed out is acknowledged; a sibling that had claimed one would still be retrying it
	// within one retry interval, so give it two before reading the applies.
	client := redis.NewClient(&redis.Options{Addr: s.RedisAddr()})
	t.Cleanup(func() { client.Close() })
	require.Eventually(t, func() bool {
		status, err := messaging.QueueStatus(ctx, client, "events", "processor_events")
		return err == nil && status.Lag == 0 && status.Pending == 0
	}, time.Minute, 100*time.Millisecond)
	time.Sleep(10 * time.Second)

	var events, applies, repeated, most int64
	err = pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(n), 0), count(*) FILTER (WHERE n > 1), coalesce(max(n), 0)
		FROM (SELECT count(*) AS n FROM fault_applies GROUP BY site_id, event_id) a`).Scan(&events, &applies, &repeated, &most)
	require.NoError(t, err)
	t.Logf("applies: %d events, %d committed applies, %d events applied more than once, at most %d times", events, applies, repeated, most)
	require.Equal(t, int64(len(all.Acked)), events, "every acknowledged event applied")
	require.Zero(t, repeated, "events applied more than once (at most %d times)", most)
}

// countApplies records, in table fault_applies, every event a committed apply offered to the events table:
// a BEFORE INSERT row trigger fires also for rows that ON CONFLICT DO NOTHING then skips, and its row
// commits or rolls back with the apply. NewStack has run the migrations before starting any service, so
// the events table exists already; the wait for it only makes a stack without it fail clearly.
func countApplies(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	require.Eventually(t, func() bool {
		var exists bool
		return pool.QueryRow(ctx, `SELECT to_regclass('events') IS NOT NULL`).Scan(&exists) == nil && exists
	}, time.Minute, 50*time.Millisecond)
	_, err := pool.Exec(ctx, `
CREATE TABLE fault_applies (site_id text NOT NULL, event_id text NOT NULL);
CREATE FUNCTION fault_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fault_applies (site_id, event_id) VALUES (NEW.site_id, NEW.event_id);
    RETURN NEW;
END $$;
CREATE TRIGGER fault_count_apply BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION fault_count_apply();`)
	require.NoError(t, err)
}

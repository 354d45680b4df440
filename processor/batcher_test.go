package processor_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

func startBatcher(t *testing.T, b *processor.Batcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func TestBatcherIsolatesRejectedMessages(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	b := processor.NewBatcher(processor.NewStore(pool), 100, 50*time.Millisecond, 2, time.Minute)
	startBatcher(t, b)

	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		path := fmt.Sprint("/p", i)
		if i == 7 {
			path = "/bad\x00"
		}
		wg.Go(func() {
			// Each message carries two events; the one with the NUL takes its sibling down with it.
			errs[i] = b.Submit(context.Background(), []event.Event{
				ev(fmt.Sprint("e", i), "s", event.PageView, path, "", "2025-11-12T10:00:00Z"),
				ev(fmt.Sprint("sibling", i), "s", event.PageView, "/sibling", "", "2025-11-12T10:00:00Z"),
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if i == 7 {
			require.ErrorIs(t, err, processor.ErrRejected)
			continue
		}
		require.NoError(t, err, "event %d", i)
	}
	require.Equal(t, int64(38), readDay(t, pool, "s", "2025-11-12").views, "19 messages of two events")
}

func TestBatcherSubmitsFromManyHandlers(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	b := processor.NewBatcher(processor.NewStore(pool), 64, 5*time.Millisecond, 2, time.Minute)
	startBatcher(t, b)

	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			for i := range 50 {
				id := fmt.Sprint("w", w, "-", i)
				assert.NoError(t, b.Submit(context.Background(), []event.Event{ev(id, "s", event.PageView, "/", "", "2025-11-12T10:00:00Z")}))
				if i%10 == 0 {
					assert.NoError(t, b.Submit(context.Background(), []event.Event{ev(id, "s", event.PageView, "/", "", "2025-11-12T10:00:00Z")}), "a duplicate is accepted and ignored")
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, int64(32*50), readDay(t, pool, "s", "2025-11-12").views)
}

func TestSubmitGivesUpWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	b := processor.NewBatcher(nil, 10, time.Millisecond, 1, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, b.Submit(ctx, []event.Event{{EventID: "x"}}), context.Canceled)
}

// TestBatcherGivesEachIsolatedMessageItsOwnDeadline makes every write take a while (a statement trigger
// that sleeps) and rejects one message of a batch: the messages re-applied one by one must each get the
// whole timeout, not share what the rejected batch left of it.
func TestBatcherGivesEachIsolatedMessageItsOwnDeadline(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	_, err := pool.Exec(context.Background(), `
CREATE FUNCTION slow_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.6); RETURN NULL; END $$;
CREATE TRIGGER slow_write BEFORE INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION slow_write();
ALTER TABLE events ADD CONSTRAINT events_path_not_forbidden CHECK (path <> '/forbidden');`)
	require.NoError(t, err)
	// One write takes 0.6 s, well within the timeout; the batch and then each of the five messages alone
	// take 3.6 s. The batch holds exactly the five events and waits far longer than five submits take, so
	// all five land in one batch however slow the machine is.
	b := processor.NewBatcher(processor.NewStore(pool), 5, time.Minute, 1, 2*time.Second)
	startBatcher(t, b)

	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		path := fmt.Sprint("/p", i)
		if i == 0 {
			path = "/forbidden"
		}
		wg.Go(func() {
			errs[i] = b.Submit(context.Background(), []event.Event{ev(fmt.Sprint("e", i), "s", event.PageView, path, "", "2025-11-12T10:00:00Z")})
		})
	}
	wg.Wait()
	require.ErrorIs(t, errs[0], processor.ErrRejected)
	for i, err := range errs[1:] {
		require.NoError(t, err, "message %d", i+1)
	}
	require.Equal(t, int64(4), readDay(t, pool, "s", "2025-11-12").views)
}

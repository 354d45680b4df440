package faults_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// backlogEvents is the backlog of single-event entries the drain test builds.
const backlogEvents = 40000

// TestProcessorKilledFiveTimesWhileDrainingSingleEventBacklog builds a backlog of single-event stream
// entries (one connection posting one event per request while no processor runs), then starts the
// processor and kills it with SIGKILL five times while it drains, each time after it has counted another
// eighth of the backlog since its last start: a subscriber holds thousands of entries at once, so each
// kill leaves many read, handed out or acknowledged in Postgres but not yet in Redis. Every acknowledged
// event must be counted once, none twice.
func TestProcessorKilledFiveTimesWhileDrainingSingleEventBacklog(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, err := s.Processor.Terminate(20 * time.Second)
	require.NoError(t, err)
	load := cluster.Load{URL: s.IngestionURL, Events: backlogEvents, Batch: 1, Workers: 1, Prefix: "backlog"}
	res := load.Run(context.Background(), nil)
	require.Len(t, res.Acked, backlogEvents)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var counted int64
	for kill := range 5 {
		require.NoError(t, s.Processor.Start())
		want := counted + backlogEvents/8
		counted, err = cluster.WaitCounted(ctx, s.Postgres.URL, want, 5*time.Millisecond, 0)
		require.NoError(t, err, "kill %d", kill+1)
		require.Less(t, counted, int64(backlogEvents), "kill %d came after the drain ended", kill+1)
		require.NoError(t, s.Processor.Kill9())
		t.Logf("kill -9 %d after %d of %d events counted", kill+1, counted, backlogEvents)
	}
	require.NoError(t, s.Processor.Start())
	restarted := time.Now()
	s.waitCounted(backlogEvents, 3*time.Minute)
	s.requireExact("kill -9 processor x5 draining single-event entries", res, time.Since(restarted))
}

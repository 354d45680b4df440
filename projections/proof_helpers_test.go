package projections_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/projectiontest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
)

// proofSeed is the seed of a proof's RNG: PROOF_SEED when set, to replay a failure, otherwise the clock.
// The test logs it, and every failure message repeats it.
func proofSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PROOF_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "PROOF_SEED")
	}
	t.Logf("seed %d (replay with PROOF_SEED=%d)", seed, seed)
	return seed
}

// proofDatabase is a fresh database with the generated sites registered in their zones.
func proofDatabase(t *testing.T, sites []projectiontest.Site) *pgxpool.Pool {
	t.Helper()
	pool := testenv.Database(t)
	for _, s := range sites {
		if s.Registered {
			_, err := pool.Exec(context.Background(), `INSERT INTO sites (site_id, time_zone) VALUES ($1, $2)`, s.ID, s.Zone.String())
			require.NoError(t, err)
		}
	}
	return pool
}

// proofDeliver applies batches through projections.Apply from workers goroutines, each on its own connection
// as separate processors are, taking the batches in order from a shared queue. pace, when not nil, is
// called before batch i is queued and may hold the queue back.
func proofDeliver(t *testing.T, dsn string, workers int, batches [][]event.Event, pace func(i int)) {
	t.Helper()
	ctx := context.Background()
	queue := make(chan []event.Event)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		wg.Go(func() {
			defer conn.Close(ctx)
			for batch := range queue {
				if _, err := projections.Apply(ctx, conn, batch); err != nil {
					errs <- err
					for range queue {
					}
					return
				}
			}
		})
	}
	for i, b := range batches {
		if pace != nil {
			pace(i)
		}
		queue <- b
	}
	close(queue)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// requireProjections fails with the first differing rows when the projection tables differ from want.
func requireProjections(t *testing.T, db projectiontest.Querier, want projectiontest.Snapshot, msgAndArgs ...any) projectiontest.Snapshot {
	t.Helper()
	got, err := projectiontest.Read(context.Background(), db)
	require.NoError(t, err)
	if diff := projectiontest.Diff(want, got); diff != "" {
		require.Fail(t, "projections differ from the oracle:\n"+diff, msgAndArgs...)
	}
	return got
}

// newRNG is the proofs' RNG from seed.
func newRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

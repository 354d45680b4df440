// Package faults_test runs the built services as processes on a private Postgres and Redis, injects
// faults under load, and checks that the projections equal exactly what the client was acknowledged.
package faults_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// binDir holds the binaries built once for all tests.
var binDir string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "analytics-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := cluster.ModuleRoot()
	if err == nil {
		binDir, err = cluster.Build(root, dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "build the services:", err)
		return 1
	}
	return m.Run()
}

// stack is one private pipeline whose services all run, cleaned up when the test ends.
type stack struct {
	*cluster.Stack
	t *testing.T
}

// newStack starts everything on Redis and stops it when the test ends; on failure it prints the
// services' logs.
func newStack(t *testing.T) *stack {
	t.Helper()
	return newStackOn(t, cluster.BrokerRedis)
}

// newStackOn is newStack on broker (redis, or kafka served by kafkadev).
func newStackOn(t *testing.T, broker string) *stack {
	t.Helper()
	dir, err := os.MkdirTemp("", "analytics-fault-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755), "postgres runs as another user and must reach its directory")
	// A killed Kafka member's partitions move to its successor after the session timeout (10 s); a
	// shorter rebalance timeout bounds how long the group waits for members that do not rejoin.
	cs, err := cluster.NewStack(dir, binDir, broker,
		"CONSUMER_NAME=fault-processor", "CLAIM_IDLE=5s", "CLAIM_INTERVAL=1s", "SHUTDOWN_TIMEOUT=10s", "LOG_LEVEL=warn",
		"KAFKA_REBALANCE_TIMEOUT=5s")
	s := &stack{Stack: cs, t: t}
	t.Cleanup(s.close)
	require.NoError(t, err)
	for _, svc := range []*cluster.Service{s.Ingestion, s.Processor, s.Reporting} {
		require.NoError(t, svc.Start())
	}
	return s
}

func (s *stack) close() {
	s.Close()
	if s.t.Failed() {
		for _, name := range []string{"ingestion.log", "processor.log", "reporting.log", "kafkadev.log", "redis/redis.log", "postgres/postgres.log"} {
			b, _ := os.ReadFile(filepath.Join(s.Dir, name))
			s.t.Logf("---- %s (last 3000 bytes)\n%s", name, tail(string(b), 3000))
		}
	}
	os.RemoveAll(s.Dir)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[strings.IndexByte(s[len(s)-n:], '\n')+len(s)-n+1:]
}

// waitCounted waits until Postgres holds want events and returns how long that took.
func (s *stack) waitCounted(want int64, timeout time.Duration) time.Duration {
	s.t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if _, err := cluster.WaitCounted(ctx, s.Postgres.URL, want, 100*time.Millisecond, 0); err != nil {
		s.t.Fatalf("after %s: %v", timeout, err)
	}
	return time.Since(start)
}

// requireExact checks that the projections are exactly those of the acknowledged events, visits and
// hourly_visitors included, and reports the figures of the run.
func (s *stack) requireExact(name string, res cluster.LoadResult, recovery time.Duration) {
	s.t.Helper()
	want := cluster.Expect(res.Acked)
	got, err := cluster.ReadProjection(context.Background(), s.Postgres.URL)
	require.NoError(s.t, err)
	s.t.Logf("%s: events sent %d (requests %d, failed and retried %d), acknowledged %d, counted %d, duplicates %d, recovery %s, load took %s",
		name, len(res.Acked), res.Requests, res.Failures, want.Events, got.Events, got.Counted-want.Events, recovery.Round(time.Millisecond), res.Elapsed.Round(time.Millisecond))
	require.Equal(s.t, want.Events, got.Events, "raw events")
	require.Equal(s.t, want.Counted, got.Counted, "sum of total_events")
	require.Equal(s.t, want.Days, got.Days, "total_views per site-day")
	require.Equal(s.t, want.Users, got.Users, "unique_users per site-day")
	require.Equal(s.t, want.PathViews, got.PathViews, "views per path")
	require.Equal(s.t, want.EventTypes, got.EventTypes, "events per type")

	// visits and hourly_visitors hold each counted event once, whatever the fault did to a batch in flight.
	visits, hourly, err := cluster.ReadProjected(context.Background(), s.Postgres.URL)
	require.NoError(s.t, err)
	require.Equal(s.t, want.Counted, visits, "events in visits")
	require.Equal(s.t, want.Counted, hourly, "events in hourly_visitors")
}

// runLoad sends events through ingestion in the background; faults run while it does.
func (s *stack) runLoad(prefix string, events int, progress func(int)) <-chan cluster.LoadResult {
	done := make(chan cluster.LoadResult, 1)
	load := cluster.Load{URL: s.IngestionURL, Events: events, Batch: 100, Workers: 4, Pause: 50 * time.Millisecond, Prefix: prefix}
	go func() { done <- load.Run(context.Background(), progress) }()
	return done
}

package faults_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// loadEvents is how many events each fault test drives.
const loadEvents = 20000

// atProgress returns a progress callback that signals on the returned channel each time another of
// the given thresholds of acknowledged events is passed.
func atProgress(thresholds ...int) (func(int), <-chan struct{}) {
	ch := make(chan struct{}, len(thresholds))
	var next atomic.Int64
	return func(acked int) {
		for {
			i := next.Load()
			if int(i) >= len(thresholds) || acked < thresholds[i] {
				return
			}
			if next.CompareAndSwap(i, i+1) {
				ch <- struct{}{}
			}
		}
	}, ch
}

func TestProcessorKilledFiveTimes(t *testing.T) {
	t.Parallel()
	for _, broker := range []string{cluster.BrokerRedis, cluster.BrokerKafka} {
		t.Run(broker, func(t *testing.T) {
			t.Parallel()
			testProcessorKilledFiveTimes(t, broker)
		})
	}
}

// testProcessorKilledFiveTimes kills the processor with SIGKILL five times under load. On Kafka a killed
// member's partitions wait for its session to time out (10 s) before its successor gets them. (That a
// partition's offset is never committed past a message acknowledged out of order is injected
// deterministically in messaging's TestKafkaSubscriberCommitsOnlyUpToTheFirstUnacknowledged.)
func testProcessorKilledFiveTimes(t *testing.T, broker string) {
	s := newStackOn(t, broker)
	progress, faultNow := atProgress(2000, 5000, 8000, 11000, 14000)
	done := s.runLoad("kill", loadEvents, progress)

	var lastRestart time.Time
	for range 5 {
		<-faultNow
		require.NoError(t, s.Processor.Kill9())
		require.NoError(t, s.Processor.Start())
		lastRestart = time.Now()
	}
	res := <-done
	require.Len(t, res.Acked, loadEvents)
	s.waitCounted(loadEvents, 3*time.Minute)
	s.requireExact("kill -9 processor x5 ("+broker+")", res, time.Since(lastRestart))
}

func TestRedisKilledAndRestarted(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	progress, faultNow := atProgress(6000)
	done := s.runLoad("redis", loadEvents, progress)

	<-faultNow
	require.NoError(t, s.Redis.Kill9())
	time.Sleep(4 * time.Second) // longer than a publish may wait: clients see 503s and retry
	require.NoError(t, s.Redis.Start())
	restarted := time.Now()

	res := <-done
	require.Len(t, res.Acked, loadEvents)
	s.waitCounted(loadEvents, 3*time.Minute)
	s.requireExact("kill -9 redis", res, time.Since(restarted))
}

func TestPostgresRestartedImmediately(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	progress, faultNow := atProgress(6000)
	done := s.runLoad("pg", loadEvents, progress)

	<-faultNow
	require.NoError(t, s.Postgres.RestartImmediate())
	restarted := time.Now()

	res := <-done
	require.Len(t, res.Acked, loadEvents)
	s.waitCounted(loadEvents, 3*time.Minute)
	s.requireExact("postgres immediate restart", res, time.Since(restarted))
}

func TestSIGTERMEachServiceUnderLoad(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	progress, faultNow := atProgress(4000, 9000, 14000)
	done := s.runLoad("term", loadEvents, progress)

	var statsErrors atomic.Int64
	stopPolling := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopPolling:
				return
			case <-time.After(20 * time.Millisecond):
			}
			resp, err := http.Get(s.ReportingURL + "/stats?site_id=site-1&date=2025-11-12")
			if err != nil {
				statsErrors.Add(1)
				continue
			}
			resp.Body.Close()
		}
	}()

	var restarted time.Time
	for _, svc := range []struct {
		name string
		term func(time.Duration) (int, error)
		run  func() error
	}{
		{"ingestion", s.Ingestion.Terminate, s.Ingestion.Start},
		{"processor", s.Processor.Terminate, s.Processor.Start},
		{"reporting", s.Reporting.Terminate, s.Reporting.Start},
	} {
		<-faultNow
		code, err := svc.term(15 * time.Second)
		require.NoError(t, err, "%s must exit within its shutdown timeout", svc.name)
		require.Zero(t, code, "%s must exit 0 on SIGTERM", svc.name)
		require.NoError(t, svc.run())
		restarted = time.Now()
	}
	res := <-done
	close(stopPolling)
	require.Len(t, res.Acked, loadEvents)
	s.waitCounted(loadEvents, 3*time.Minute)
	s.requireExact("SIGTERM each service", res, time.Since(restarted))
	t.Logf("stats requests refused while reporting restarted: %d", statsErrors.Load())
}

package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/analytics-pipeline/analytics/internal/cluster"
	"github.com/analytics-pipeline/analytics/messaging"
)

// liveLagProbeSite is the site of the live-lag figure's probe events (the lag figure's are another).
const liveLagProbeSite = "livelag-probe"

// liveLagSettle is how long after the load stops the figure looks for a backlog.
const liveLagSettle = time.Second

// liveLagResult is the lag of a pipeline fed by one sequential client, and what it left behind.
type liveLagResult struct {
	LagResult
	Accepted int64 // requests (one event each) the connection had answered 2xx
	Failed   int64
	// Uncounted is how many accepted events (the load's and the probes') the projections did not count
	// liveLagSettle after the load stopped.
	Uncounted int64
	// Pending and Undelivered are the Redis consumer group's entries handed out and not acknowledged,
	// and not handed out yet, liveLagSettle after the load stopped; -1 with another broker.
	Pending, Undelivered int64
}

// measureLiveLag sends POST /event over one keep-alive connection, one request at a time, as fast as
// ingestion answers, for duration, while probeLag measures the lag over other connections; then,
// liveLagSettle after the load stops, it counts what is left: events not in the projections and, with
// Redis, entries not acknowledged. before is the number of events the projections count already.
func measureLiveLag(ctx context.Context, s *cluster.Stack, duration time.Duration, before int64) (liveLagResult, error) {
	res := liveLagResult{Pending: -1, Undelivered: -1}
	loadCtx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	probes := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var counted int64
	var settleErr error
	var elapsed time.Duration
	res.LagResult = probeLag(loadCtx, probes, s, liveLagProbeSite, func() {
		start := time.Now()
		res.Accepted, res.Failed = sequentialLoad(loadCtx, s.IngestionURL+"/event", singleBodies(1024))
		elapsed = time.Since(start)
		time.Sleep(liveLagSettle)
		counted, settleErr = cluster.WaitCounted(ctx, s.Postgres.URL, 0, 0, 0)
		if settleErr == nil && s.Broker == cluster.BrokerRedis {
			res.Pending, res.Undelivered, settleErr = groupBacklog(ctx, s)
		}
	})
	if settleErr != nil {
		return res, settleErr
	}
	res.Rate = float64(res.Accepted) / elapsed.Seconds()
	res.Uncounted = max(0, before+res.Accepted+int64(res.Probes)-counted)
	return res, nil
}

// sequentialLoad posts bodies in turn over one keep-alive connection, each request once the previous
// is answered, until ctx ends, and returns how many were answered 2xx and how many were not. The request
// in flight when ctx ends is answered first, so that every event sent is counted one way or the other.
func sequentialLoad(ctx context.Context, url string, bodies [][]byte) (ok, failed int64) {
	transport := &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	for i := 0; ctx.Err() == nil; i++ {
		req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, url, bytes.NewReader(bodies[i%len(bodies)]))
		if err != nil {
			return ok, failed + 1
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			failed++
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			ok++
		} else {
			failed++
		}
	}
	return ok, failed
}

// groupBacklog returns the processors' consumer group's pending entries and the entries not yet
// delivered to it on the stack's stream.
func groupBacklog(ctx context.Context, s *cluster.Stack) (pending, undelivered int64, err error) {
	client := redis.NewClient(&redis.Options{Addr: s.RedisAddr()})
	defer client.Close()
	status, err := messaging.QueueStatus(ctx, client, streamName(s.Env), groupName)
	if err != nil {
		return 0, 0, fmt.Errorf("queue status: %w", err)
	}
	return status.Pending, status.Lag, nil
}

// stableCount returns the projections' count of events once it has stayed the same for a second.
func stableCount(ctx context.Context, url string) (int64, error) {
	last := int64(-1)
	for {
		n, err := cluster.WaitCounted(ctx, url, 0, 0, 0)
		if err != nil || n == last {
			return n, err
		}
		last = n
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// liveLag measures the figure "live lag, one connection" with the processor running.
func (m *measurement) liveLag(ctx context.Context) error {
	for _, svc := range []*cluster.Service{m.stack.Ingestion, m.stack.Reporting, m.stack.Processor} {
		if err := m.start(svc); err != nil {
			return err
		}
	}
	if _, err := waitCounted(ctx, m.stack.Postgres.URL, m.ingested); err != nil {
		return err
	}
	// The lag figure's events are not in m.ingested: start once the count has stopped moving.
	before, err := stableCount(ctx, m.stack.Postgres.URL)
	if err != nil {
		return err
	}
	logf(m.cfg, "live lag: one connection sends POST /event as fast as it is answered for %s", m.cfg.LiveDuration)
	res, err := measureLiveLag(ctx, m.stack, m.cfg.LiveDuration, before)
	if err != nil {
		return err
	}
	m.ingested += res.Accepted
	backlog := fmt.Sprintf("%d events not counted", res.Uncounted)
	if res.Pending >= 0 {
		backlog += fmt.Sprintf(", %d entries pending and %d undelivered", res.Pending, res.Undelivered)
	}
	m.add(Row{
		Figure: fmt.Sprintf("live lag accepted → /stats, one connection sending POST /event as fast as it can, %s", m.cfg.LiveDuration),
		Measured: fmt.Sprintf("%s requests (%d failed); p99 %s (p50 %s, max %s, %d probes, %d missed); %s after %s",
			perSecond(res.Rate), res.Failed, res.P99.Round(time.Millisecond), res.P50.Round(time.Millisecond),
			res.Max.Round(time.Millisecond), res.Probes, res.Missed, backlog, liveLagSettle),
		Against: fmt.Sprintf("target p99 < %s, no backlog %s after the load stops", lagTarget, liveLagSettle),
		Ratio:   fmt.Sprintf("%.2f", float64(res.P99)/float64(lagTarget)),
		Met: res.Probes > 0 && res.Missed == 0 && res.P99 < lagTarget && res.Failed == 0 && res.Uncounted == 0 &&
			res.Pending <= 0 && res.Undelivered <= 0,
	})
	return nil
}

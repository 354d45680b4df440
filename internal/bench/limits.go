package bench

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// limitsTarget is the bound on what rate limits may cost single-event ingestion: its
// throughput with them on stays within 10 % of the figure without them.
const limitsTarget = 0.90

// The many-clients row: manyClients addresses (X-Forwarded-For through a trusted loopback proxy),
// each limited to manyClientsRate events/s, a per-site limit nothing reaches, so that each client's
// lease is a single token and every other request of a client needs a script call.
const (
	manyClients     = 10_000
	manyClientsRate = 10
	manyClientsSite = 1e6
)

// limitsShape is one comparison of POST /event with rate limits on and off: the figure's name, the
// limited ingestion's settings, and the client addresses the requests name (none: the loopback).
type limitsShape struct {
	figure    string
	env       []string
	forwarded []string
}

// limits measures single-event POST /event on a second ingestion service with rate limits on, nothing
// refused, alternating rounds with the stack's own ingestion, which runs without limits, so both see
// the same moments of a noisy machine: once with both limits at cfg.LimitRate events/s from one
// client, once from manyClients clients at manyClientsRate each, the worst realistic shape for leases.
func (m *measurement) limits(ctx context.Context) error {
	if m.cfg.LimitRate <= 0 {
		return nil
	}
	if m.stack.Broker == cluster.BrokerMemory {
		logf(m.cfg, "POST /event with rate limits: skipped, the all-in-one process cannot run twice on one stack")
		return nil
	}
	rate := strconv.FormatFloat(m.cfg.LimitRate, 'f', -1, 64)
	err := m.limitsRow(ctx, limitsShape{
		figure: fmt.Sprintf("POST /event, rate limits on (%s/s per client and per site, none exceeded), %d connections", rate, m.cfg.Conns),
		env:    []string{"RATE_LIMIT_PER_IP=" + rate, "RATE_LIMIT_PER_SITE=" + rate},
	})
	if err != nil {
		return err
	}
	clients := make([]string, manyClients)
	for i := range clients {
		clients[i] = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	}
	return m.limitsRow(ctx, limitsShape{
		figure: fmt.Sprintf("POST /event, rate limits on, %d clients at %d/s each (site %g/s; none exceeded), %d connections",
			manyClients, manyClientsRate, manyClientsSite, m.cfg.Conns),
		env: []string{fmt.Sprint("RATE_LIMIT_PER_IP=", manyClientsRate), fmt.Sprint("RATE_LIMIT_PER_SITE=", manyClientsSite),
			"TRUSTED_PROXIES=127.0.0.1/32"},
		forwarded: clients,
	})
}

// limitsRow measures one shape of limits against the stack's ingestion without limits.
func (m *measurement) limitsRow(ctx context.Context, shape limitsShape) error {
	port, err := cluster.FreePort()
	if err != nil {
		return err
	}
	limited := cluster.NewService(m.binDir, "ingestion", m.stack.Dir, port, slices.Concat(m.stack.Env,
		[]string{fmt.Sprint("INGESTION_PORT=", port)}, shape.env)...)
	if err := limited.Start(); err != nil {
		return err
	}
	defer limited.Stop()
	calls := m.scriptCalls(ctx)
	single := singleBodies(1024)
	segment := max(time.Second, m.cfg.Duration/postRounds)
	load := func(url string) HTTPResult {
		return HTTPLoad{URL: url, ContentType: "application/json", Bodies: single, Conns: m.cfg.Conns, Duration: segment,
			Forwarded: shape.forwarded}.Run(ctx)
	}
	logf(m.cfg, "%s: ingestion without, then with the limits, %d rounds of %s each", shape.figure, postRounds, segment)
	var off, on HTTPResult
	var offCPU, onCPU cpuUse
	var ratios []float64
	for range postRounds {
		o, oCPU, err := m.loadCPU(m.stack.Ingestion, func() HTTPResult { return load(m.stack.IngestionURL + "/event") })
		if err != nil {
			return err
		}
		l, lCPU, err := m.loadCPU(limited, func() HTTPResult { return load(fmt.Sprintf("http://127.0.0.1:%d/event", port)) })
		if err != nil {
			return err
		}
		off, on, offCPU, onCPU = off.Add(o), on.Add(l), offCPU.add(oCPU), onCPU.add(lCPU)
		ratios = append(ratios, l.PerSecond()/o.PerSecond())
	}
	rounds := make([]string, len(ratios))
	for i, r := range ratios {
		rounds[i] = fmt.Sprintf("%.2f", r)
	}
	slices.Sort(ratios)
	ratio := ratios[len(ratios)/2]
	checks := ""
	if m.stack.Broker == cluster.BrokerRedis {
		checks = fmt.Sprintf("; %d requests, %d script calls", on.OK+on.Failed, m.scriptCalls(ctx)-calls)
	}
	cpu := fmt.Sprintf("; CPU per request, ingestion + Redis: %s, limits off %s", onCPU.perRequest(on), offCPU.perRequest(off))
	m.add(Row{
		Figure: shape.figure,
		Measured: fmt.Sprintf("%s (p99 %s, %d failed; round ratios %s%s)", perSecond(on.PerSecond()),
			on.Percentile(0.99).Round(time.Microsecond), on.Failed, strings.Join(rounds, " "), checks+cpu),
		Against: fmt.Sprintf("limits off %s (p99 %s), alternating with it; target median ratio ≥ %.2f", perSecond(off.PerSecond()),
			off.Percentile(0.99).Round(time.Microsecond), limitsTarget),
		Ratio: fmt.Sprintf("%.2f", ratio), Met: ratio >= limitsTarget && on.Failed == 0,
	})
	m.ingested += off.OK + on.OK
	return nil
}

// cpuUse is the CPU time an ingestion service and the stack's Redis used.
type cpuUse struct {
	ingestion, redis time.Duration
}

func (c cpuUse) add(o cpuUse) cpuUse {
	return cpuUse{ingestion: c.ingestion + o.ingestion, redis: c.redis + o.redis}
}

// perRequest says what c was per request of res, in microseconds.
func (c cpuUse) perRequest(res HTTPResult) string {
	n := float64(max(1, res.OK+res.Failed))
	return fmt.Sprintf("%.1f + %.1f µs", float64(c.ingestion.Microseconds())/n, float64(c.redis.Microseconds())/n)
}

// loadCPU runs load and returns its result and the CPU time svc and the stack's Redis (when it has
// one) used meanwhile.
func (m *measurement) loadCPU(svc *cluster.Service, load func() HTTPResult) (HTTPResult, cpuUse, error) {
	before, err := m.cpuOf(svc)
	if err != nil {
		return HTTPResult{}, cpuUse{}, err
	}
	res := load()
	after, err := m.cpuOf(svc)
	return res, cpuUse{ingestion: after.ingestion - before.ingestion, redis: after.redis - before.redis}, err
}

// cpuOf returns the CPU time svc and the stack's Redis have used so far.
func (m *measurement) cpuOf(svc *cluster.Service) (cpuUse, error) {
	var use cpuUse
	var err error
	if use.ingestion, err = svc.CPUTime(); err != nil || m.stack.Redis == nil {
		return use, err
	}
	use.redis, err = m.stack.Redis.CPUTime()
	return use, err
}

var evalshaCalls = regexp.MustCompile(`cmdstat_evalsha:calls=(\d+)`)

// scriptCalls returns how many EVALSHA calls the stack's Redis has served, 0 without Redis.
func (m *measurement) scriptCalls(ctx context.Context) int64 {
	if m.stack.Redis == nil {
		return 0
	}
	client := redis.NewClient(&redis.Options{Addr: m.stack.RedisAddr()})
	defer client.Close()
	info, err := client.Info(ctx, "commandstats").Result()
	if err != nil {
		return 0
	}
	match := evalshaCalls.FindStringSubmatch(info)
	if match == nil {
		return 0
	}
	n, _ := strconv.ParseInt(match[1], 10, 64)
	return n
}

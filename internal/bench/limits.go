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

// limitsTarget is the bound on what rate limits and bot filtering may cost single-event
// ingestion: its throughput with them on stays within 10 % of the figure without them.
const limitsTarget = 0.90

// browserAgents is how many distinct browser user agents the requests of the limits rows send: more than
// the bot classifier's cache holds (4,096), as real traffic's many browser versions do, so that some
// requests are classified afresh (none is a bot's: every event is published).
const browserAgents = 10_000

// browserUserAgents returns n distinct user agents of real browsers (desktop and mobile Chrome, Firefox,
// Safari and Edge), their versions varied.
func browserUserAgents(n int) []string {
	templates := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Safari/605.1.%d.%d",
		"Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.%d",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 Edg/%d.0.%d.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Mobile/15E%d Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel %d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.0 Mobile Safari/537.36",
	}
	agents := make([]string, n)
	for i := range agents {
		agents[i] = fmt.Sprintf(templates[i%len(templates)], 100+i%30, i/len(templates)%5000, i%7)
	}
	return agents
}

// The many-clients row: manyClients addresses (X-Forwarded-For through a trusted loopback proxy),
// each limited to manyClientsRate events/s, a per-site limit nothing reaches, so that each client's
// lease is a single token and every other request of a client needs a script call.
const (
	manyClients     = 10_000
	manyClientsRate = 10
	manyClientsSite = 1e6
)

// limitsShape is one comparison of POST /event with rate limits and bot filtering on and off: the
// figure's name, the limited ingestion's settings, the settings of both, and the client addresses the
// requests name (none: the loopback).
type limitsShape struct {
	figure    string
	env       []string
	both      []string
	forwarded []string
}

// limits measures single-event POST /event from browsers (browserAgents user agents) on an ingestion
// service with rate limits and bot filtering on, nothing refused, alternating rounds with one that has
// both off, so both see the same moments of a noisy machine: once with both limits at cfg.LimitRate
// events/s from one client, once from manyClients clients at manyClientsRate each, the worst realistic
// shape for leases.
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
		figure: fmt.Sprintf("POST /event, rate limits (%s/s per client and per site, none exceeded) and bot filtering on, %d connections", rate, m.cfg.Conns),
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
		figure: fmt.Sprintf("POST /event, rate limits (%d clients at %d/s each, site %g/s; none exceeded) and bot filtering on, %d connections",
			manyClients, manyClientsRate, manyClientsSite, m.cfg.Conns),
		env:       []string{fmt.Sprint("RATE_LIMIT_PER_IP=", manyClientsRate), fmt.Sprint("RATE_LIMIT_PER_SITE=", manyClientsSite)},
		both:      []string{"TRUSTED_PROXIES=127.0.0.1/32"},
		forwarded: clients,
	})
}

// limitsRow measures one shape: an ingestion with the shape's limits and bot filtering against one
// with neither.
func (m *measurement) limitsRow(ctx context.Context, shape limitsShape) error {
	start := func(env ...string) (*cluster.Service, string, error) {
		port, err := cluster.FreePort()
		if err != nil {
			return nil, "", err
		}
		svc := cluster.NewService(m.binDir, "ingestion", m.stack.Dir, port, slices.Concat(m.stack.Env,
			[]string{fmt.Sprint("INGESTION_PORT=", port)}, shape.both, env)...)
		return svc, fmt.Sprintf("http://127.0.0.1:%d/event", port), svc.Start()
	}
	unlimited, offURL, err := start("BOT_FILTERING=false")
	if err != nil {
		return err
	}
	defer unlimited.Stop()
	limited, onURL, err := start(append([]string{"BOT_FILTERING=true"}, shape.env...)...)
	if err != nil {
		return err
	}
	defer limited.Stop()
	calls := m.scriptCalls(ctx)
	single, agents := singleBodies(1024), browserUserAgents(browserAgents)
	segment := max(time.Second, m.cfg.Duration/postRounds)
	load := func(url string) HTTPResult {
		return HTTPLoad{URL: url, ContentType: "application/json", Bodies: single, Conns: m.cfg.Conns, Duration: segment,
			Forwarded: shape.forwarded, UserAgents: agents}.Run(ctx)
	}
	logf(m.cfg, "%s: ingestion without, then with limits and bot filtering, %d rounds of %s each", shape.figure, postRounds, segment)
	var off, on HTTPResult
	var offCPU, onCPU cpuUse
	var ratios []float64
	for range postRounds {
		o, oCPU, err := m.loadCPU(unlimited, func() HTTPResult { return load(offURL) })
		if err != nil {
			return err
		}
		l, lCPU, err := m.loadCPU(limited, func() HTTPResult { return load(onURL) })
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
	cpu := fmt.Sprintf("; CPU per request, ingestion + Redis: %s, both off %s", onCPU.perRequest(on), offCPU.perRequest(off))
	m.add(Row{
		Figure: shape.figure,
		Measured: fmt.Sprintf("%s (p99 %s, %d failed; round ratios %s%s)", perSecond(on.PerSecond()),
			on.Percentile(0.99).Round(time.Microsecond), on.Failed, strings.Join(rounds, " "), checks+cpu),
		Against: fmt.Sprintf("limits and bot filtering off %s (p99 %s), alternating with it; target median ratio ≥ %.2f", perSecond(off.PerSecond()),
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

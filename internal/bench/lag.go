package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/analytics-pipeline/analytics/internal/cluster"
)

// LagResult is how long accepted events took to show in /stats while the pipeline carried a steady load.
type LagResult struct {
	Rate           float64 // events per second the load achieved
	P50, P99, Max  time.Duration
	Probes, Missed int
}

// measureLag drives rate events per second through ingestion for duration while probeLag measures
// the lag.
func measureLag(ctx context.Context, s *cluster.Stack, rate int, duration time.Duration) LagResult {
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

	var sent atomic.Int64
	start := time.Now()
	res := probeLag(ctx, client, s, lagProbeSite, func() { steadyLoad(ctx, client, s.IngestionURL, rate, &sent) })
	res.Rate = float64(sent.Load()) / time.Since(start).Seconds()
	return res
}

// lagProbeSite is the site of the lag figure's probe events.
const lagProbeSite = "lag-probe"

// probeLag runs load while, until ctx ends, a probe event of site is posted every 100 ms with client
// and /stats is polled until it counts it; the lag of a probe runs from its 2xx to the first /stats
// answer that includes it. site must have no views today before. Rate is left to the caller.
func probeLag(ctx context.Context, client *http.Client, s *cluster.Stack, site string, load func()) LagResult {
	var wg sync.WaitGroup
	wg.Go(load)

	var mu sync.Mutex
	var acked []time.Time // acked[k] is when probe k+1 was accepted
	var seen []time.Time  // seen[k] is when /stats first counted k+1 probes
	wg.Go(func() {
		body := []byte(`{"site_id":"` + site + `","event_type":"page_view","path":"/probe"}`)
		for tick := time.NewTicker(100 * time.Millisecond); ctx.Err() == nil; <-tick.C {
			resp, err := client.Post(s.IngestionURL+"/event", "application/json", bytes.NewReader(body))
			if err != nil {
				continue
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				mu.Lock()
				acked = append(acked, time.Now())
				mu.Unlock()
			}
		}
	})
	wg.Go(func() {
		var giveUp time.Time // after the load, wait at most 10 s for the last probes
		for {
			views := probeViews(client, s.ReportingURL, site)
			now := time.Now()
			mu.Lock()
			for int64(len(seen)) < views {
				seen = append(seen, now)
			}
			caughtUp := len(seen) >= len(acked)
			mu.Unlock()
			if ctx.Err() != nil {
				if giveUp.IsZero() {
					giveUp = now.Add(10 * time.Second)
				}
				if caughtUp || now.After(giveUp) {
					return
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
	})
	wg.Wait()

	var lags []time.Duration
	for k, at := range acked {
		if k >= len(seen) {
			break
		}
		lags = append(lags, max(0, seen[k].Sub(at)))
	}
	slices.Sort(lags)
	res := LagResult{Probes: len(acked), Missed: len(acked) - len(lags)}
	if len(lags) > 0 {
		res.P50, res.P99, res.Max = lags[len(lags)/2], lags[min(len(lags)-1, len(lags)*99/100)], lags[len(lags)-1]
	}
	return res
}

// steadyLoad posts batches of 100 events at rate events per second until ctx ends, counting the events
// accepted.
func steadyLoad(ctx context.Context, client *http.Client, url string, rate int, sent *atomic.Int64) {
	bodies := batchBodies(64, 100)
	interval := time.Duration(float64(time.Second) * 100 / float64(rate))
	jobs := make(chan []byte, 64)
	var workers sync.WaitGroup
	for range 16 {
		workers.Go(func() {
			for body := range jobs {
				resp, err := client.Post(url+"/events", "application/json", bytes.NewReader(body))
				if err != nil {
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					sent.Add(100)
				}
			}
		})
	}
	tick := time.NewTicker(interval)
	for i := 0; ctx.Err() == nil; i++ {
		select {
		case jobs <- bodies[i%len(bodies)]:
		default: // the pipeline is behind; the rate achieved will show it
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	tick.Stop()
	close(jobs)
	workers.Wait()
}

// probeViews returns today's views of the probe site, or -1 when /stats does not answer.
func probeViews(client *http.Client, url, site string) int64 {
	resp, err := client.Get(url + "/stats?site_id=" + site)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var stats struct {
		TotalViews int64 `json:"total_views"`
	}
	if json.NewDecoder(resp.Body).Decode(&stats) != nil {
		return -1
	}
	return stats.TotalViews
}

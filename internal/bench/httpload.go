// Package bench measures the pipeline's figures side by side with the ceilings of the machine it runs
// on (a bare HTTP server, a plain COPY), for the benchmark command.
package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// HTTPLoad sends POST requests over a fixed number of keep-alive connections for a duration, as fast as
// the server answers, cycling through the given bodies.
type HTTPLoad struct {
	URL         string
	ContentType string
	Bodies      [][]byte
	Conns       int
	Duration    time.Duration
	// Method is POST when empty; GET requests send no body and cycle through URLs instead.
	URLs []string
	// Forwarded, when not empty, gives the i-th request the X-Forwarded-For Forwarded[i%len(Forwarded)]:
	// many clients behind one trusted proxy.
	Forwarded []string
	// UserAgents, when not empty, gives the i-th request the User-Agent UserAgents[i%len(UserAgents)].
	UserAgents []string
	// BasicUser, when not empty, is sent as the HTTP Basic username with an empty password (a write key).
	BasicUser string
}

// HTTPResult is what a load measured.
type HTTPResult struct {
	OK        int64 // 2xx answers
	Failed    int64 // errors and non-2xx answers
	Elapsed   time.Duration
	Latencies []time.Duration // of the 2xx answers, sorted
}

// Add returns the result of r and o measured one after the other.
func (r HTTPResult) Add(o HTTPResult) HTTPResult {
	latencies := slices.Concat(r.Latencies, o.Latencies)
	slices.Sort(latencies)
	return HTTPResult{OK: r.OK + o.OK, Failed: r.Failed + o.Failed, Elapsed: r.Elapsed + o.Elapsed, Latencies: latencies}
}

// PerSecond is the rate of 2xx answers.
func (r HTTPResult) PerSecond() float64 {
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which p (0..1) of the answers came.
func (r HTTPResult) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[min(len(r.Latencies)-1, int(p*float64(len(r.Latencies))))]
}

// Run drives the load and returns when the duration has passed.
func (l HTTPLoad) Run(ctx context.Context) HTTPResult {
	transport := &http.Transport{MaxIdleConnsPerHost: l.Conns, MaxConnsPerHost: l.Conns, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()

	var ok, failed atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for c := range l.Conns {
		wg.Go(func() {
			local := make([]time.Duration, 0, 1<<14)
			for i := c; ctx.Err() == nil; i += l.Conns {
				began := time.Now()
				if l.do(ctx, client, i) {
					local = append(local, time.Since(began))
					ok.Add(1)
				} else if ctx.Err() == nil {
					failed.Add(1)
				}
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	return HTTPResult{OK: ok.Load(), Failed: failed.Load(), Elapsed: elapsed, Latencies: latencies}
}

// do sends the i-th request and reports whether it was answered 2xx.
func (l HTTPLoad) do(ctx context.Context, client *http.Client, i int) bool {
	var req *http.Request
	var err error
	if len(l.URLs) > 0 {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, l.URLs[i%len(l.URLs)], nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, l.URL, bytes.NewReader(l.Bodies[i%len(l.Bodies)]))
		if err == nil {
			req.Header.Set("Content-Type", l.ContentType)
		}
	}
	if err != nil {
		return false
	}
	if len(l.Forwarded) > 0 {
		req.Header.Set("X-Forwarded-For", l.Forwarded[i%len(l.Forwarded)])
	}
	if len(l.UserAgents) > 0 {
		req.Header.Set("User-Agent", l.UserAgents[i%len(l.UserAgents)])
	}
	if l.BasicUser != "" {
		req.SetBasicAuth(l.BasicUser, "")
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode/100 == 2
}

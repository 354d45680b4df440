package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/analytics-pipeline/analytics/event"
)

// Load drives POST /events with events that carry ids, retrying each batch until ingestion answers 2xx,
// the way a careful client does. Only answered batches count as acknowledged.
type Load struct {
	URL     string // ingestion base URL
	Events  int    // how many distinct events to send
	Batch   int    // events per request
	Workers int    // concurrent requests
	// Pause is how long each worker waits between batches, to stretch a load over time.
	Pause time.Duration
	// Prefix makes event ids unique across loads.
	Prefix string
}

// LoadResult is what the client saw.
type LoadResult struct {
	Acked    []event.Event // events in batches answered 2xx
	Requests int64         // requests sent, retries included
	Failures int64         // requests that failed (connection error or non-2xx) and were retried
	Elapsed  time.Duration
}

// Run sends the events and returns when all are acknowledged or ctx ends. progress, if not nil, is
// called with the number of events acknowledged so far after each batch.
func (l Load) Run(ctx context.Context, progress func(acked int)) LoadResult {
	start := time.Now()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: l.Workers}}
	batches := make(chan []event.Event)
	go func() {
		defer close(batches)
		for from := 0; from < l.Events; from += l.Batch {
			batch := make([]event.Event, 0, l.Batch)
			for i := from; i < min(from+l.Batch, l.Events); i++ {
				batch = append(batch, GeneratedEvent(l.Prefix, i))
			}
			select {
			case batches <- batch:
			case <-ctx.Done():
				return
			}
		}
	}()

	var (
		mu       sync.Mutex
		result   LoadResult
		requests atomic.Int64
		failures atomic.Int64
		wg       sync.WaitGroup
	)
	for range l.Workers {
		wg.Go(func() {
			for batch := range batches {
				for ctx.Err() == nil {
					requests.Add(1)
					if err := postBatch(ctx, client, l.URL, batch); err == nil {
						break
					}
					failures.Add(1)
					time.Sleep(20 * time.Millisecond)
				}
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				result.Acked = append(result.Acked, batch...)
				acked := len(result.Acked)
				mu.Unlock()
				if progress != nil {
					progress(acked)
				}
				time.Sleep(l.Pause)
			}
		})
	}
	wg.Wait()
	result.Requests, result.Failures, result.Elapsed = requests.Load(), failures.Load(), time.Since(start)
	return result
}

// postBatch sends one batch and succeeds only on a 2xx that accepted every event.
func postBatch(ctx context.Context, client *http.Client, baseURL string, batch []event.Event) error {
	body, err := json.Marshal(batch)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/events", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer struct {
		Accepted int `json:"accepted"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return fmt.Errorf("decode answer (status %d): %w", resp.StatusCode, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 || answer.Accepted != len(batch) {
		return fmt.Errorf("status %d, accepted %d of %d", resp.StatusCode, answer.Accepted, len(batch))
	}
	return nil
}

// GeneratedEvent is the i-th event of a load: 20 sites, 50 paths, 500 users, every tenth event a click
// and every seventh anonymous, spread over two UTC days.
func GeneratedEvent(prefix string, i int) event.Event {
	e := event.Event{
		EventID:   fmt.Sprintf("%s-%d", prefix, i),
		SiteID:    fmt.Sprintf("site-%d", i%20),
		EventType: event.PageView,
		Path:      fmt.Sprintf("/page/%d", i%50),
		UserID:    fmt.Sprintf("user-%d", i%500),
		Timestamp: time.Date(2025, 11, 12, 12, 0, 0, 0, time.UTC).Add(time.Duration(i%(36*60)) * time.Minute),
	}
	if i%10 == 3 {
		e.EventType = "click"
	}
	if i%7 == 5 {
		e.UserID = ""
	}
	return e
}

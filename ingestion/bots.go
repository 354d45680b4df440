package ingestion

import (
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/bots"
)

// BotConfig says what ingestion does with events whose request's User-Agent is a known crawler's,
// headless browser's or monitoring tool's (internal/bots). HTTP client libraries and an empty user
// agent are not bots: servers post events with them.
type BotConfig struct {
	// Filter turns the classification on. Off, every event counts whatever sent it.
	Filter bool `env:"BOT_FILTERING" envDefault:"true"`
	// Keep publishes bots' events marked as such, for the processor to store in raw events and leave out
	// of every projection, instead of dropping them here.
	Keep bool `env:"KEEP_BOT_EVENTS" envDefault:"false"`
}

// droppedHeader tells whoever reads the answer's headers (an operator with curl -i) that the events
// were dropped, and why; the body is the usual success answer.
const droppedHeader = "X-Events-Dropped"

// botFilter applies a BotConfig to requests; nil filters nothing.
type botFilter struct {
	classifier *bots.Classifier
	keep       bool
	dropped    atomic.Uint64
	kept       atomic.Uint64
}

// FilterBots makes the handlers of Routes, called after it, apply cfg to each request. Without it, or
// with cfg.Filter false, no request is a bot's.
func (a *API) FilterBots(cfg BotConfig) error {
	if !cfg.Filter {
		a.bots = nil
		return nil
	}
	c, err := bots.New()
	if err != nil {
		return fmt.Errorf("bot filtering: %w", err)
	}
	a.bots = &botFilter{classifier: c, keep: cfg.Keep}
	return nil
}

// BotEvents returns how many valid events of bots' requests were dropped, and how many were kept
// (published marked as bots', KEEP_BOT_EVENTS), since the API was made: what a metric counts.
func (a *API) BotEvents() (dropped, kept uint64) {
	if a.bots == nil {
		return 0, 0
	}
	return a.bots.dropped.Load(), a.bots.kept.Load()
}

// screen is ingestion's one decision about bots. For a request that a bot sent, it counts events and
// either marks them as bots' (KEEP_BOT_EVENTS) or reports that they are to be dropped.
func (f *botFilter) screen(r *http.Request, events []event.Event) (drop bool) {
	if f == nil || !f.classifier.IsBot(r.UserAgent()) {
		return false
	}
	if !f.keep {
		f.dropped.Add(uint64(len(events)))
		return true
	}
	for i := range events {
		events[i].Bot = true
	}
	f.kept.Add(uint64(len(events)))
	return false
}

// notPublished is what became of the events of a dropped request: all in one message that was neither
// stored nor refused, so that the answer is the usual success without a queued_id.
func notPublished(events int) published {
	return published{msgOf: make([]int, events), pack: &sentPack{ids: []string{""}, errs: []error{nil}}}
}

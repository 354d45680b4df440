package projectiontest

import (
	"math/rand/v2"

	"github.com/analytics-pipeline/analytics/event"
)

// Batches is a delivery of events as a broker with retries makes it: every event one to three times, all
// shuffled, cut into batches of one to maxBatch events; within a batch each (site_id, event_id) pair is
// distinct, as the processor's batcher makes it.
func Batches(rng *rand.Rand, events []event.Event, maxBatch int) [][]event.Event {
	var copies []event.Event
	for _, e := range events {
		for range 1 + rng.IntN(3) {
			copies = append(copies, e)
		}
	}
	rng.Shuffle(len(copies), func(i, j int) { copies[i], copies[j] = copies[j], copies[i] })
	type id struct{ site, event string }
	var batches [][]event.Event
	var batch []event.Event
	in := map[id]bool{}
	size := 1 + rng.IntN(maxBatch)
	for _, e := range copies {
		k := id{e.SiteID, e.EventID}
		if len(batch) == size || in[k] {
			batches = append(batches, batch)
			batch, in, size = nil, map[id]bool{}, 1+rng.IntN(maxBatch)
		}
		batch = append(batch, e)
		in[k] = true
	}
	if len(batch) > 0 {
		batches = append(batches, batch)
	}
	return batches
}

package bench

import (
	"encoding/json"
	"fmt"
	"time"
)

// benchEvent is an event as a client posts it.
type benchEvent struct {
	SiteID    string `json:"site_id"`
	EventType string `json:"event_type"`
	Path      string `json:"path"`
	UserID    string `json:"user_id,omitempty"`
	Timestamp string `json:"timestamp"`
}

// day0 is the first day the generated events fall on.
var day0 = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)

// generated is the i-th event of the benchmark: 100 sites, 1,000 paths, 50,000 users, every tenth event a
// click, every seventh anonymous, spread over two days.
func generated(i int) benchEvent {
	e := benchEvent{
		SiteID:    fmt.Sprintf("site-%d", i%100),
		EventType: "page_view",
		Path:      fmt.Sprintf("/section/%d/page/%d", i%10, i%1000),
		UserID:    fmt.Sprintf("user-%d", i%50000),
		Timestamp: day0.Add(time.Duration(i%172800) * time.Second).Format(time.RFC3339),
	}
	if i%10 == 3 {
		e.EventType = "click"
	}
	if i%7 == 5 {
		e.UserID = ""
	}
	return e
}

// singleBodies returns n distinct one-event request bodies.
func singleBodies(n int) [][]byte {
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i], _ = json.Marshal(generated(i))
	}
	return bodies
}

// batchBodies returns n distinct request bodies of size events each.
func batchBodies(n, size int) [][]byte {
	bodies := make([][]byte, n)
	for b := range bodies {
		batch := make([]benchEvent, size)
		for i := range batch {
			batch[i] = generated(b*size + i)
		}
		bodies[b], _ = json.Marshal(batch)
	}
	return bodies
}

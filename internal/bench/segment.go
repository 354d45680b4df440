package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/sources"
)

// segmentBenchSite is the site of the write key the POST /v1/batch figure posts with.
const segmentBenchSite = "site-segment"

// segmentCall is a call of Segment's spec as analytics-node posts it in a batch.
type segmentCall struct {
	Type        string            `json:"type"`
	Event       string            `json:"event,omitempty"`
	UserID      string            `json:"userId,omitempty"`
	AnonymousID string            `json:"anonymousId,omitempty"`
	MessageID   string            `json:"messageId"`
	Timestamp   string            `json:"timestamp"`
	Properties  map[string]string `json:"properties,omitempty"`
	Context     map[string]any    `json:"context"`
}

// segmentBatchBodies returns n distinct POST /v1/batch bodies of size calls each: the events of
// batchBodies as page and track calls (an anonymous one with an anonymousId), with a messageId and a
// sentAt as the SDKs send them.
func segmentBatchBodies(n, size int) [][]byte {
	library := map[string]string{"name": "analytics-node", "version": "3.1.0"}
	bodies := make([][]byte, n)
	for b := range bodies {
		calls := make([]segmentCall, size)
		for i := range calls {
			e := generated(b*size + i)
			c := segmentCall{Type: "page", UserID: e.UserID, MessageID: fmt.Sprintf("bench-%d", b*size+i), Timestamp: e.Timestamp,
				Context: map[string]any{"library": library}}
			if e.UserID == "" {
				c.AnonymousID = fmt.Sprintf("anonymous-%d", i%5000)
			}
			if e.EventType == "page_view" {
				c.Properties = map[string]string{"path": e.Path}
			} else {
				c.Type, c.Event = "track", e.EventType
				c.Context["page"] = map[string]string{"path": e.Path}
			}
			calls[i] = c
		}
		bodies[b], _ = json.Marshal(map[string]any{"batch": calls, "sentAt": day0.Add(48 * time.Hour).Format(time.RFC3339)})
	}
	return bodies
}

// segmentWriteKey makes a source of segmentBenchSite in the stack's Postgres and returns its key.
func (m *measurement) segmentWriteKey(ctx context.Context) (string, error) {
	pool, err := pgxpool.New(ctx, m.stack.Postgres.URL)
	if err != nil {
		return "", err
	}
	defer pool.Close()
	_, key, err := sources.NewStore(pool).Create(ctx, segmentBenchSite, "bench")
	return key, err
}

// segmentBatch measures POST /v1/batch with 100 calls per request, beside POST /events' figure and
// against the same target.
func (m *measurement) segmentBatch(ctx context.Context) error {
	key, err := m.segmentWriteKey(ctx)
	if err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	logf(m.cfg, "POST /v1/batch (Segment), 100 calls per request")
	res := HTTPLoad{URL: m.stack.IngestionURL + "/v1/batch", ContentType: "application/json", BasicUser: key,
		Bodies: segmentBatchBodies(64, 100), Conns: m.cfg.Conns, Duration: m.cfg.Duration}.Run(ctx)
	events := res.PerSecond() * 100
	m.add(Row{
		Figure:   "POST /v1/batch (Segment), 100 calls per request",
		Measured: fmt.Sprintf("%s events (p99 %s, %d failed)", perSecond(events), res.Percentile(0.99).Round(time.Microsecond), res.Failed),
		Against:  fmt.Sprintf("target %s events, as POST /events", perSecond(batchTarget)),
		Ratio:    fmt.Sprintf("%.2f", events/batchTarget), Met: events >= batchTarget && res.Failed == 0,
	})
	m.ingested += res.OK * 100
	return nil
}

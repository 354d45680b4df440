package e2e_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestConformance runs every case on every broker; each case has its own pipeline and database.
func TestConformance(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		run  func(t *testing.T, broker string)
	}{
		{name: "seed_example_end_to_end", run: testSeedExampleEndToEnd},
		{name: "single_and_batch_events_add_up", run: testSingleAndBatchEventsAddUp},
		{name: "same_event_id_counts_once", run: testSameEventIDCountsOnce},
		{name: "same_event_id_on_two_sites_counts_on_each", run: testSameEventIDOnTwoSitesCountsOnEach},
		{name: "horizontal_scale", run: testHorizontalScale},
	}
	for _, broker := range testenv.Brokers {
		t.Run(broker, func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, broker)
				})
			}
		})
	}
}

// accepted is the answer to POST /event.
type accepted struct {
	Success  bool   `json:"success"`
	QueuedID string `json:"queued_id"`
	EventID  string `json:"event_id"`
}

// queuedIDPattern is the shape of the id each broker gives a message: a Redis stream entry id, a Kafka
// partition and offset, a memory sequence number.
var queuedIDPattern = map[string]string{
	messaging.BrokerRedis:  `^\d+-\d+$`,
	messaging.BrokerKafka:  `^\d+-\d+$`,
	messaging.BrokerMemory: `^\d+$`,
}

func testSeedExampleEndToEnd(t *testing.T, broker string) {
	p := startPipeline(t, broker)

	var got accepted
	status := post(t, p.ingestionURL+"/event", map[string]any{
		"site_id": "site-abc-123", "event_type": "page_view", "path": "/pricing",
		"user_id": "user-xyz-789", "timestamp": "2025-11-12T19:30:01Z",
	}, &got)
	require.Equal(t, http.StatusOK, status)
	require.True(t, got.Success)
	require.Regexp(t, queuedIDPattern[broker], got.QueuedID)
	require.NotEmpty(t, got.EventID)

	waitForStats(t, p.reportingURL, "site_id=site-abc-123&date=2025-11-12",
		`{"site_id":"site-abc-123","date":"2025-11-12","total_views":1,"unique_users":1,"top_paths":[{"path":"/pricing","views":1}]}`)
}

func testSingleAndBatchEventsAddUp(t *testing.T, broker string) {
	p := startPipeline(t, broker)

	for i := range 5 {
		var got accepted
		require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/event", map[string]any{
			"site_id": "s1", "event_type": "page_view", "path": "/home",
			"user_id": fmt.Sprint("u", i%3), "timestamp": "2025-11-12T08:00:00Z",
		}, &got))
	}
	batch := make([]map[string]any, 0, 302)
	for i := range 300 {
		e := map[string]any{"site_id": "s1", "event_type": "page_view", "path": fmt.Sprintf("/p%02d", i%12),
			"user_id": fmt.Sprint("u", i%50), "timestamp": "2025-11-12T09:00:00+01:00"}
		if i%10 == 0 {
			e["event_type"] = "click"
		}
		batch = append(batch, e)
	}
	// Another site in the same request: with Kafka it travels in a message of its own, keyed by its site.
	batch = append(batch, map[string]any{"site_id": "s2", "event_type": "page_view", "path": "/other", "timestamp": "2025-11-12T09:00:00Z"})
	batch = append(batch, map[string]any{"site_id": "", "event_type": "page_view", "path": "/"})
	var result struct {
		Accepted int `json:"accepted"`
		Rejected int `json:"rejected"`
	}
	require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/events", batch, &result))
	require.Equal(t, 301, result.Accepted)
	require.Equal(t, 1, result.Rejected)

	// 5 views of /home; 300 events over /p00../p11 (25 each), of which the 30 clicks (i%10==0) fall
	// 5 on each even path, leaving 270 page views; users u0..u49 (u0..u2 shared with the single events).
	// Ties are broken by path ascending.
	want := `{"site_id":"s1","date":"2025-11-12","total_views":275,"unique_users":50,"top_paths":[` +
		`{"path":"/p01","views":25},{"path":"/p03","views":25},{"path":"/p05","views":25},{"path":"/p07","views":25},` +
		`{"path":"/p09","views":25},{"path":"/p11","views":25},{"path":"/p00","views":20},{"path":"/p02","views":20},` +
		`{"path":"/p04","views":20},{"path":"/p06","views":20}]}`
	waitForStats(t, p.reportingURL, "site_id=s1&date=2025-11-12", want)
	waitForStats(t, p.reportingURL, "site_id=s2&date=2025-11-12",
		`{"site_id":"s2","date":"2025-11-12","total_views":1,"unique_users":0,"top_paths":[{"path":"/other","views":1}]}`)
}

func testSameEventIDCountsOnce(t *testing.T, broker string) {
	p := startPipeline(t, broker)
	e := map[string]any{"event_id": "fixed-id-1", "site_id": "dup", "event_type": "page_view", "path": "/once",
		"user_id": "u1", "timestamp": "2025-11-12T10:00:00Z"}

	for range 2 {
		var got accepted
		require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/event", e, &got))
		require.Equal(t, "fixed-id-1", got.EventID)
	}
	var result struct {
		Accepted int `json:"accepted"`
	}
	require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/events", []any{e, e}, &result))
	require.Equal(t, 2, result.Accepted)
	// A later, different event proves the duplicates were processed, not merely still queued.
	var got accepted
	require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/event", map[string]any{"event_id": "fixed-id-2",
		"site_id": "dup", "event_type": "page_view", "path": "/twice", "timestamp": "2025-11-12T11:00:00Z"}, &got))

	waitForStats(t, p.reportingURL, "site_id=dup&date=2025-11-12",
		`{"site_id":"dup","date":"2025-11-12","total_views":2,"unique_users":1,"top_paths":[{"path":"/once","views":1},{"path":"/twice","views":1}]}`)
}

func testSameEventIDOnTwoSitesCountsOnEach(t *testing.T, broker string) {
	p := startPipeline(t, broker)
	for _, site := range []string{"first", "second"} {
		var got accepted
		require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/event", map[string]any{"event_id": "shared-id",
			"site_id": site, "event_type": "page_view", "path": "/" + site, "user_id": "u1",
			"timestamp": "2025-11-12T10:00:00Z"}, &got))
		require.Equal(t, "shared-id", got.EventID)
	}
	for _, site := range []string{"first", "second"} {
		waitForStats(t, p.reportingURL, "site_id="+site+"&date=2025-11-12",
			`{"site_id":"`+site+`","date":"2025-11-12","total_views":1,"unique_users":1,"top_paths":[{"path":"/`+site+`","views":1}]}`)
	}
}

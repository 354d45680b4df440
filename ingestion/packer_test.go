package ingestion_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// batchOf returns a POST /events body of n events of site whose paths are pathLen characters long.
func batchOf(prefix, site string, n, pathLen int) string {
	events := make([]string, n)
	for i := range events {
		events[i] = eventJSON(map[string]any{"event_id": fmt.Sprint(prefix, "-", i), "site_id": site,
			"path": "/" + strings.Repeat("p", pathLen-1)})
	}
	return "[" + strings.Join(events, ",") + "]"
}

// escapingBatch returns a POST /events body of n events of site whose paths are pathLen-1 '<' after the
// slash: JSON escapes each '<' to six bytes (\u003c) in the message, not in the body sent.
func escapingBatch(prefix, site string, n, pathLen int) string {
	events := make([]string, n)
	for i := range events {
		events[i] = eventJSON(map[string]any{"event_id": fmt.Sprint(prefix, "-", i), "site_id": site,
			"path": "/" + strings.Repeat("<", pathLen-1)})
	}
	return strings.ReplaceAll("["+strings.Join(events, ",")+"]", `\u003c`, "<")
}

// TestPacksStayWithinTheMessageLimits queues a burst behind a held write to Redis and checks that no
// stream entry the packer makes of it holds more than MaxEventsPerMessage events or MaxMessageBytes of
// payload, and that every event is in the stream once.
func TestPacksStayWithinTheMessageLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		requests [][2]string
	}{
		{name: "count_limit", requests: [][2]string{
			{"/event", eventJSON(map[string]any{"event_id": "single"})},
			{"/events", batchOf("a", "s", 500, 10)},
			{"/events", batchOf("b", "s", 500, 10)},
		}},
		{name: "byte_limit", requests: [][2]string{
			{"/events", batchOf("a", "s", 300, 1000)},
			{"/events", batchOf("b", "s", 300, 1000)},
		}},
		{name: "one_request_over_the_byte_limit", requests: [][2]string{
			{"/events", escapingBatch("a", "s", 300, 1300)},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Messaging(t)
			client := testenv.RedisClient(t, cfg)
			gate := newGatedPublisher(messaging.NewRedisPublisher(client, cfg.PublishTimeout))
			api := ingestion.NewAPI(gate, cfg.Stream, func(context.Context) error { return nil }, slog.New(slog.DiscardHandler))
			t.Cleanup(api.Close)
			srv := httptest.NewServer(openapitest.Handler(t, openapi.Ingestion, api.Routes()))
			t.Cleanup(srv.Close)

			first, answers := packTogether(t, srv.URL, api, gate, eventJSON(nil), tc.requests)
			require.Equal(t, http.StatusOK, first.status, "body: %s", first.body)
			for i, r := range answers {
				require.Equal(t, http.StatusOK, r.status, "request %d: %s", i, r.body)
			}
			entries, err := client.XRange(context.Background(), cfg.Stream, "-", "+").Result()
			require.NoError(t, err)
			seen := map[string]int{}
			for _, entry := range entries {
				msg, err := redisstream.DefaultMarshallerUnmarshaller{}.Unmarshal(entry.Values)
				require.NoError(t, err)
				events, err := event.Unmarshal(msg.Payload)
				require.NoError(t, err)
				require.LessOrEqual(t, len(events), ingestion.MaxEventsPerMessage, "events in entry %s", entry.ID)
				require.LessOrEqual(t, len(msg.Payload), ingestion.MaxMessageBytes, "payload bytes of entry %s", entry.ID)
				for _, e := range events {
					seen[e.EventID]++
				}
			}
			for id, n := range seen {
				require.Equal(t, 1, n, "event %s published %d times", id, n)
			}
			for i, r := range answers {
				if batch := decodeBatch(t, r); batch.Results != nil {
					require.Len(t, batch.Results, batch.Accepted, "request %d", i)
					require.True(t, batch.Success, "request %d", i)
				}
			}
		})
	}
}

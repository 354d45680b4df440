package ingestion_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/messaging"
)

// recordingPublisher keeps what is published and numbers it.
type recordingPublisher struct {
	mu    sync.Mutex
	calls [][]*message.Message
}

func (p *recordingPublisher) Publish(_ string, msgs ...*message.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, msg := range msgs {
		msg.Metadata.Set(messaging.BrokerIDKey, fmt.Sprintf("%d-%d", len(p.calls), i))
	}
	p.calls = append(p.calls, msgs)
	return nil
}

func (p *recordingPublisher) Close() error { return nil }

// keyedRecordingPublisher is a recordingPublisher that asks for keyed messages, as Kafka's does.
type keyedRecordingPublisher struct{ *recordingPublisher }

func (keyedRecordingPublisher) PartitionsByKey() bool { return true }

func TestPackerKeysMessagesBySiteForKeyedBrokers(t *testing.T) {
	t.Parallel()
	body := `[{"site_id":"a","event_type":"page_view","path":"/1"},{"site_id":"b","event_type":"page_view","path":"/2"},` +
		`{"site_id":"a","event_type":"page_view","path":"/3"},{"site_id":"c","event_type":"page_view","path":"/4"}]`
	cases := []struct {
		name      string
		keyed     bool
		wantSites [][]string // per message, the sites of its events in order
		wantKeys  []string
	}{
		{name: "unkeyed_one_message", wantSites: [][]string{{"a", "b", "a", "c"}}, wantKeys: []string{""}},
		{name: "keyed_one_message_per_site", keyed: true,
			wantSites: [][]string{{"a", "a"}, {"b"}, {"c"}}, wantKeys: []string{"a", "b", "c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recordingPublisher{}
			var pub message.Publisher = rec
			if tc.keyed {
				pub = keyedRecordingPublisher{rec}
			}
			api := ingestion.NewAPI(pub, "events", func(context.Context) error { return nil }, slog.New(slog.DiscardHandler))
			t.Cleanup(api.Close)
			srv := httptest.NewServer(openapitest.Handler(t, openapi.Ingestion, api.Routes()))
			t.Cleanup(srv.Close)

			resp, err := http.Post(srv.URL+"/events", "application/json", strings.NewReader(body))
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)

			require.Len(t, rec.calls, 1, "one request, one Publish call")
			msgs := rec.calls[0]
			require.Len(t, msgs, len(tc.wantSites))
			for i, msg := range msgs {
				events, err := event.Unmarshal(msg.Payload)
				require.NoError(t, err)
				sites := make([]string, len(events))
				for j, e := range events {
					sites[j] = e.SiteID
				}
				require.Equal(t, tc.wantSites[i], sites)
				require.Equal(t, tc.wantKeys[i], msg.Metadata.Get(messaging.PartitionKeyKey))
			}
		})
	}
}

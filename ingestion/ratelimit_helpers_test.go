package ingestion_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// limitedIngestion serves ingestion as its main does (ServeOn, its own broker from brokerCfg) with the
// configuration the environment vars give, the loopback trusted as a proxy so that X-Forwarded-For names
// the client, and returns its base URL. It stops when the test ends.
func limitedIngestion(t *testing.T, brokerCfg messaging.Config, vars map[string]string) string {
	t.Helper()
	vars["TRUSTED_PROXIES"] = "127.0.0.0/8,::1"
	cfg, err := env.ParseAsWithOptions[ingestion.Config](env.Options{Environment: vars})
	require.NoError(t, err)
	require.NoError(t, cfg.Validate())
	cfg.Messaging = brokerCfg
	cfg.Visitors.DatabaseURL = "" // the limits need no visitors, and the default database is not the test's
	var opts []messaging.BrokerOption
	if brokerCfg.Broker == messaging.BrokerMemory {
		opts = append(opts, messaging.Shared())
	}
	broker, err := messaging.NewBroker(brokerCfg, slog.New(slog.DiscardHandler), opts...)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- ingestion.ServeOn(ctx, cfg, ln, broker, metrics.NewRegistry(), slog.New(slog.DiscardHandler))
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-served)
		require.NoError(t, broker.Close())
	})
	return "http://" + ln.Addr().String()
}

// postAs posts body to base+path as the client at address client (through the trusted loopback proxy);
// the exchange is checked against the OpenAPI document when the test ends, so that checking does not
// space out the requests whose rate the test measures.
func postAs(t *testing.T, base, path, client, body string) response {
	t.Helper()
	header := http.Header{"Content-Type": {jsonType}, "X-Forwarded-For": {client}}
	r := doWith(t, http.MethodPost, base+path, header, body)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header = header
	t.Cleanup(func() { openapitest.Exchange(t, openapi.Ingestion, req, []byte(body), r.status, r.header, r.body) })
	return r
}

// siteEvent is an event of site as POST /event takes it.
func siteEvent(site string) string {
	return eventJSON(map[string]any{"site_id": site})
}

// siteBatch is a POST /events body of n events for each site in turn: sites "a", 2, "b", 1 gives two
// events of a and one of b.
func siteBatch(counts ...any) string {
	var events []json.RawMessage
	for i := 0; i < len(counts); i += 2 {
		for range counts[i+1].(int) {
			events = append(events, json.RawMessage(siteEvent(counts[i].(string))))
		}
	}
	b, err := json.Marshal(events)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// flood posts n single events of site as client, one after the other, and returns how many were
// accepted and how long the flood took. Every refusal must be a 429 with Retry-After and the seed's JSON
// error shape.
func flood(t *testing.T, base, client, site string, n int) (accepted int, took time.Duration) {
	t.Helper()
	start := time.Now()
	for range n {
		r := postAs(t, base, "/event", client, siteEvent(site))
		switch r.status {
		case http.StatusOK:
			accepted++
		case http.StatusTooManyRequests:
			require.NotEmpty(t, r.header.Get("Retry-After"), "429 without Retry-After")
			errorMessages(t, r)
		default:
			require.FailNow(t, "unexpected answer", "%d: %s", r.status, r.body)
		}
	}
	return accepted, time.Since(start)
}

// requireWithinBucket checks that accepted is what a bucket of capacity events refilled at rate events/s
// lets through during took: at least its capacity, at most that plus the refill (and one for a refill
// under way when the flood began).
func requireWithinBucket(t *testing.T, accepted int, capacity, rate float64, took time.Duration) {
	t.Helper()
	most := int(capacity + rate*took.Seconds() + 1)
	require.GreaterOrEqual(t, accepted, int(capacity), "the bucket's burst was not granted")
	require.LessOrEqual(t, accepted, most, "more accepted than a bucket of %v at %v/s allows in %s", capacity, rate, took)
}

// streamEventCount decodes every entry of the Redis stream of cfg and counts the events it carries.
func streamEventCount(t *testing.T, cfg messaging.Config) int {
	t.Helper()
	entries, err := testenv.RedisClient(t, cfg).XRange(context.Background(), cfg.Stream, "-", "+").Result()
	require.NoError(t, err)
	n := 0
	for _, entry := range entries {
		msg, err := redisstream.DefaultMarshallerUnmarshaller{}.Unmarshal(entry.Values)
		require.NoError(t, err)
		events, err := event.Unmarshal(msg.Payload)
		require.NoError(t, err)
		n += len(events)
	}
	return n
}

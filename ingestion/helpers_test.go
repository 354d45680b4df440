package ingestion_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

const jsonType = "application/json"

// server is an ingestion API under httptest, publishing to a test stream of a real Redis.
type server struct {
	url    string
	stream string
	redis  *redis.Client
}

// newServer serves the ingestion API on a stream unique to the test.
// memoryBroker returns an in-memory broker of the test's own, closed when the test ends.
func memoryBroker(t *testing.T) *messaging.Broker {
	t.Helper()
	broker, err := messaging.NewBroker(messaging.Config{Broker: messaging.BrokerMemory}, slog.New(slog.DiscardHandler), messaging.Shared())
	require.NoError(t, err)
	t.Cleanup(func() { broker.Close() })
	return broker
}

func newServer(t *testing.T) server {
	t.Helper()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	return server{url: serve(t, cfg, client), stream: cfg.Stream, redis: client}
}

// unreachableRedis returns a Redis broker configuration pointing at a closed port: a broker that is down.
func unreachableRedis(t *testing.T) messaging.Config {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	cfg := messaging.Config{RedisHost: "127.0.0.1", RedisPort: port, Stream: "unreachable"}
	cfg.SetDefaults()
	return cfg
}

// newServerWithBrokerDown serves the ingestion API with a Redis client pointed at a closed port.
func newServerWithBrokerDown(t *testing.T) server {
	t.Helper()
	cfg := unreachableRedis(t)
	client := testenv.RedisClient(t, cfg)
	return server{url: serve(t, cfg, client), stream: cfg.Stream, redis: client}
}

func serve(t *testing.T, cfg messaging.Config, client *redis.Client) string {
	t.Helper()
	ready := func(ctx context.Context) error { return messaging.PingRedis(ctx, client) }
	api := ingestion.NewAPI(messaging.NewRedisPublisher(client, cfg.PublishTimeout), cfg.Stream, ready, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Ingestion, api.Routes()))
	t.Cleanup(srv.Close)
	return srv.URL
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url, contentType, body string) response {
	t.Helper()
	header := http.Header{}
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	return doWith(t, method, url, header, body)
}

// doWith sends a request with header and returns the answer, its body read.
func doWith(t *testing.T, method, url string, header http.Header, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = header
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func (s server) post(t *testing.T, path, contentType, body string) response {
	t.Helper()
	return do(t, http.MethodPost, s.url+path, contentType, body)
}

func (s server) get(t *testing.T, path string) response {
	t.Helper()
	return do(t, http.MethodGet, s.url+path, "", "")
}

// errorMessages checks that r carries the seed's error shape {"error":["…", …]} and returns the messages.
func errorMessages(t *testing.T, r response) []string {
	t.Helper()
	require.Contains(t, r.header.Get("Content-Type"), "application/json")
	var body struct {
		Error []string `json:"error"`
	}
	require.NoError(t, json.Unmarshal(r.body, &body), "body: %s", r.body)
	require.NotEmpty(t, body.Error, "body: %s", r.body)
	return body.Error
}

// requireError checks the status and that one error message contains want.
func requireError(t *testing.T, r response, status int, want string) {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	msgs := errorMessages(t, r)
	require.True(t, containsMessage(msgs, want), "no error message contains %q: %q", want, msgs)
}

func containsMessage(msgs []string, want string) bool {
	for _, m := range msgs {
		if strings.Contains(m, want) {
			return true
		}
	}
	return false
}

// eventJSON returns the seed's example event with changes applied; a nil value removes the field.
func eventJSON(changes map[string]any) string {
	m := map[string]any{
		"site_id":    "site-abc-123",
		"event_type": "page_view",
		"path":       "/pricing",
		"user_id":    "user-xyz-789",
		"timestamp":  "2025-11-12T19:30:01Z",
	}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// streamEvents reads the stream entry with the broker id and decodes its events as the processor does.
func (s server) streamEvents(t *testing.T, id string) []event.Event {
	t.Helper()
	entries, err := s.redis.XRange(context.Background(), s.stream, id, id).Result()
	require.NoError(t, err)
	require.Len(t, entries, 1, "stream %s has no entry %s", s.stream, id)
	msg, err := redisstream.DefaultMarshallerUnmarshaller{}.Unmarshal(entries[0].Values)
	require.NoError(t, err)
	events, err := event.Unmarshal(msg.Payload)
	require.NoError(t, err)
	return events
}

// streamEvent returns the event with eventID from the stream entry with the broker id.
func (s server) streamEvent(t *testing.T, id, eventID string) event.Event {
	t.Helper()
	for _, e := range s.streamEvents(t, id) {
		if e.EventID == eventID {
			return e
		}
	}
	t.Fatalf("stream entry %s does not carry event %s", id, eventID)
	return event.Event{}
}

func (s server) streamLen(t *testing.T) int64 {
	t.Helper()
	n, err := s.redis.XLen(context.Background(), s.stream).Result()
	require.NoError(t, err)
	return n
}

// accepted is the body of a 200 from POST /event.
type accepted struct {
	Success  bool   `json:"success"`
	QueuedID string `json:"queued_id"`
	EventID  string `json:"event_id"`
}

func decodeAccepted(t *testing.T, r response) accepted {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.Contains(t, r.header.Get("Content-Type"), "application/json")
	var a accepted
	dec := json.NewDecoder(strings.NewReader(string(r.body)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&a), "body: %s", r.body)
	require.True(t, a.Success)
	require.NotEmpty(t, a.QueuedID)
	require.NotEmpty(t, a.EventID)
	return a
}

func requireUUIDv7(t *testing.T, id string) {
	t.Helper()
	u, err := uuid.Parse(id)
	require.NoError(t, err, "event_id %q", id)
	require.Equal(t, uuid.Version(7), u.Version(), "event_id %q", id)
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// batchResult is one item of a POST /events answer.
type batchResult struct {
	Index    int      `json:"index"`
	QueuedID string   `json:"queued_id"`
	EventID  string   `json:"event_id"`
	Error    []string `json:"error"`
}

type batchAnswer struct {
	Success  bool          `json:"success"`
	Accepted int           `json:"accepted"`
	Rejected int           `json:"rejected"`
	Results  []batchResult `json:"results"`
	Error    []string      `json:"error"`
}

func decodeBatch(t *testing.T, r response) batchAnswer {
	t.Helper()
	require.Contains(t, r.header.Get("Content-Type"), "application/json")
	var b batchAnswer
	require.NoError(t, json.Unmarshal(r.body, &b), "body: %s", r.body)
	return b
}

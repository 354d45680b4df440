package ingestion_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/sources"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// segmentSite is the site of the write key of newSegmentServer.
const segmentSite = "shop.example"

// segmentReceivedAt is when a segmentServer receives every request.
var segmentReceivedAt = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// segmentServer is an ingestion API whose write keys are the sources of a fresh database, with a key of
// segmentSite, receiving every request at segmentReceivedAt.
type segmentServer struct {
	server
	key   string
	store *sources.Store
}

// newSegmentServer serves the API checked against the OpenAPI document, or, checked false, plainly: a
// gzip body or RudderStack's content type is not one the document's validator can decode.
func newSegmentServer(t *testing.T, checked bool) segmentServer {
	t.Helper()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	store := sources.NewStore(testenv.Database(t))
	_, key, err := store.Create(context.Background(), segmentSite, "test")
	require.NoError(t, err)
	ready := func(ctx context.Context) error { return messaging.PingRedis(ctx, client) }
	api := ingestion.NewAPI(messaging.NewRedisPublisher(client, cfg.PublishTimeout), cfg.Stream, ready, slog.New(slog.DiscardHandler))
	api.AcceptWriteKeys(sources.NewKeys(store, time.Nanosecond))
	api.SetClock(func() time.Time { return segmentReceivedAt })
	t.Cleanup(api.Close)
	handler := api.Routes()
	if checked {
		handler = openapitest.Handler(t, openapi.Ingestion, handler)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return segmentServer{server: server{url: srv.URL, stream: cfg.Stream, redis: client}, key: key, store: store}
}

// basicAuth is the Authorization header of key sent as the HTTP Basic username, as the SDKs send it.
func basicAuth(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

// postSegment posts body to path with the server's write key as the Basic username.
func (s segmentServer) postSegment(t *testing.T, path, body string) response {
	t.Helper()
	header := http.Header{"Content-Type": {"application/json"}, "Authorization": {basicAuth(s.key)}}
	return doWith(t, http.MethodPost, s.url+path, header, body)
}

// gzipped returns body compressed with gzip.
func gzipped(t *testing.T, body string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(body))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.String()
}

// requireSuccess checks Segment's answer to a call it took.
func requireSuccess(t *testing.T, r response) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.JSONEq(t, `{"success":true}`, string(r.body))
}

// b64 is s in standard base64.
func b64(s string) string {
	return base64.StdEncoding.EncodeToString([]byte(s))
}

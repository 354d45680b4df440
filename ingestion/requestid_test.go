package ingestion_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/stretchr/testify/require"
)

// correlationID returns the correlation id of the stream entry with the broker id.
func (s server) correlationID(t *testing.T, id string) string {
	t.Helper()
	entries, err := s.redis.XRange(context.Background(), s.stream, id, id).Result()
	require.NoError(t, err)
	require.Len(t, entries, 1)
	msg, err := redisstream.DefaultMarshallerUnmarshaller{}.Unmarshal(entries[0].Values)
	require.NoError(t, err)
	return middleware.MessageCorrelationID(msg)
}

func TestMessageOfOneRequestCarriesItsRequestID(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	t.Run("client_request_id", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, srv.url+"/event", strings.NewReader(eventJSON(nil)))
		require.NoError(t, err)
		req.Header.Set("X-Request-Id", "client-request-42")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		var a accepted
		require.NoError(t, json.NewDecoder(res.Body).Decode(&a))
		require.Equal(t, "client-request-42", srv.correlationID(t, a.QueuedID))
	})
	t.Run("oversize_client_request_id_is_replaced", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, srv.url+"/event", strings.NewReader(eventJSON(nil)))
		require.NoError(t, err)
		req.Header.Set("X-Request-Id", strings.Repeat("x", 600_000))
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		var a accepted
		require.NoError(t, json.NewDecoder(res.Body).Decode(&a))
		require.Regexp(t, `^.+/.{10}-\d{6,}$`, srv.correlationID(t, a.QueuedID), "an id that could not fit a message is replaced by one of ours")
	})
	t.Run("generated_request_id", func(t *testing.T) {
		first := decodeAccepted(t, srv.post(t, "/event", jsonType, eventJSON(nil)))
		second := decodeBatch(t, srv.post(t, "/events", jsonType, "["+eventJSON(nil)+"]"))
		require.Len(t, second.Results, 1)
		a, b := srv.correlationID(t, first.QueuedID), srv.correlationID(t, second.Results[0].QueuedID)
		require.Regexp(t, `^.+/.{10}-\d{6,}$`, a, "host/random-counter, as chi's RequestID middleware makes them")
		require.Regexp(t, `^.+/.{10}-\d{6,}$`, b)
		require.NotEqual(t, a, b)
	})
}

package ingestion_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// postChunked posts body without a Content-Length, as a chunked request.
func (s server) postChunked(t *testing.T, path, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, io.MultiReader(strings.NewReader(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", jsonType)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func TestChunkedBodies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	t.Run("event_accepted", func(t *testing.T) {
		t.Parallel()
		decodeAccepted(t, srv.postChunked(t, "/event", eventJSON(nil)))
	})
	t.Run("batch_accepted", func(t *testing.T) {
		t.Parallel()
		r := srv.postChunked(t, "/events", "["+eventJSON(nil)+","+eventJSON(nil)+"]")
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		require.Equal(t, 2, decodeBatch(t, r).Accepted)
	})
	t.Run("oversized_event", func(t *testing.T) {
		t.Parallel()
		requireError(t, srv.postChunked(t, "/event", oversized(65<<10)), http.StatusRequestEntityTooLarge, "request body is larger than 65536 bytes")
	})
	t.Run("oversized_batch", func(t *testing.T) {
		t.Parallel()
		requireError(t, srv.postChunked(t, "/events", "["+oversized(513<<10)+"]"), http.StatusRequestEntityTooLarge, "request body is larger than 524288 bytes")
	})
}

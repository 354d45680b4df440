package ingestion_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/metrics"
)

// TestRequestOutlivingShutdownAnswers503 sends a request whose body is still arriving when the shutdown
// gives up waiting for it and the packer closes: the handler must answer 503 with Retry-After (the event
// was not queued), not panic.
func TestRequestOutlivingShutdownAnswers503(t *testing.T) {
	t.Parallel()
	broker := memoryBroker(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() {
		served <- ingestion.ServeOn(ctx, ingestion.Config{ShutdownTimeout: 50 * time.Millisecond}, ln, broker, metrics.NewRegistry(), slog.New(slog.DiscardHandler))
	}()

	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	body := eventJSON(nil)
	_, err = fmt.Fprintf(conn, "POST /event HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(body))
	require.NoError(t, err)
	replies := bufio.NewReader(conn)
	// The server says 100 Continue when the handler starts reading the body: the request is in flight.
	status, err := replies.ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, status, "100 Continue")
	_, err = replies.ReadString('\n')
	require.NoError(t, err)
	_, err = io.WriteString(conn, body[:10])
	require.NoError(t, err)

	cancel()
	select {
	case err := <-served:
		require.ErrorIs(t, err, context.DeadlineExceeded, "the shutdown gave up on the slow request")
	case <-time.After(waitFor):
		require.FailNow(t, "ServeOn did not return")
	}
	_, err = io.WriteString(conn, body[10:])
	require.NoError(t, err)
	res, err := http.ReadResponse(replies, nil)
	require.NoError(t, err)
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "body: %s", answer)
	require.Equal(t, "1", res.Header.Get("Retry-After"))
}

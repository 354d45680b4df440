package bench

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSequentialLoadUsesOneConnectionOneRequestAtATime checks the live-lag figure's client: every
// request on the same keep-alive connection, never two in flight, and every answer counted.
func TestSequentialLoadUsesOneConnectionOneRequestAtATime(t *testing.T) {
	t.Parallel()
	var conns, inFlight, maxInFlight, handled, refused atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := maxInFlight.Load(); n > m && !maxInFlight.CompareAndSwap(m, n); m = maxInFlight.Load() {
		}
		_, _ = io.Copy(io.Discard, r.Body)
		if handled.Add(1)%10 == 0 {
			refused.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	ok, failed := sequentialLoad(ctx, srv.URL+"/event", singleBodies(4))

	require.Equal(t, int64(1), conns.Load(), "one keep-alive connection")
	require.Equal(t, int64(1), maxInFlight.Load(), "one request at a time")
	require.Positive(t, ok)
	require.Equal(t, refused.Load(), failed, "non-2xx answers are failures")
	require.LessOrEqual(t, ok+failed, handled.Load(), "only answered requests are counted")
	require.GreaterOrEqual(t, ok+failed, handled.Load()-1, "every answered request is counted (the last may be cut by the end)")
}

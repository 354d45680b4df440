package sites_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/sites"
)

// syncBuffer is a bytes.Buffer the logger and the test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestKeepFreshRefreshesLogsFailuresAndStops(t *testing.T) {
	var calls atomic.Int64
	refresh := func(context.Context) error {
		if calls.Add(1) == 2 {
			return errors.New("postgres is down")
		}
		return nil
	}
	var logged syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		sites.KeepFresh(ctx, time.Millisecond, refresh, slog.New(slog.NewTextHandler(&logged, nil)), "not refreshed")
		close(done)
	}()
	require.Eventually(t, func() bool { return calls.Load() >= 3 }, 10*time.Second, time.Millisecond,
		"a failed refresh does not stop the next ones")
	cancel()
	<-done
	require.Contains(t, logged.String(), `msg="not refreshed" err="postgres is down"`)
	stopped := calls.Load()
	time.Sleep(20 * time.Millisecond)
	require.Equal(t, stopped, calls.Load(), "no refresh after ctx ended")
}

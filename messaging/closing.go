package messaging

import (
	"context"
	"sync"
)

// cancelOnClose starts a goroutine, counted in running, that calls cancel when closing is closed (the
// subscriber's Close) and ends with ctx, so that one Subscribe call ends either way.
func cancelOnClose(ctx context.Context, cancel context.CancelFunc, closing <-chan struct{}, running *sync.WaitGroup) {
	running.Go(func() {
		select {
		case <-closing:
			cancel()
		case <-ctx.Done():
		}
	})
}

package messaging

import (
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// ErrPermanent marks a handler error that no retry can fix; such a message goes to the poison queue at once.
var ErrPermanent = errors.New("permanent")

// Permanent wraps err so that the router poisons the message without retrying it.
func Permanent(err error) error {
	return fmt.Errorf("%w: %w", ErrPermanent, err)
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	return errors.Is(err, ErrPermanent)
}

// poisonable reports whether a failed message belongs in the poison queue: permanent errors and panics
// that survived their retries. Transient errors are never poisoned; the message is redelivered instead.
// A failed run is never poisoned either: its entries come back one by one (see splitFailedRuns).
func poisonable(err error) bool {
	var (
		run      runFailed
		panicErr middleware.RecoveredPanicError
	)
	if errors.As(err, &run) {
		return false
	}
	return IsPermanent(err) || errors.As(err, &panicErr)
}

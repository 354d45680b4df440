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
func poisonable(err error) bool {
	var panicErr middleware.RecoveredPanicError
	return IsPermanent(err) || errors.As(err, &panicErr)
}

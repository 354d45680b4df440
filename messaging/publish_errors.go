package messaging

import (
	"errors"
	"fmt"
	"strings"
)

// ErrMessageTooLarge marks a message that the broker, or its client's own limit, refused for its size.
var ErrMessageTooLarge = errors.New("message too large for the broker")

// PublishErrors is the error of a Publish whose messages the broker took or refused one by one: Errs[i]
// is the error of the i-th message, nil for a message that is stored (and carries BrokerIDKey). A
// publisher that cannot tell which messages were stored returns a plain error instead: then none may be
// taken as stored.
type PublishErrors struct {
	Topic string
	Errs  []error
}

// Error lists the messages that were not stored, at most three of them in full.
func (e *PublishErrors) Error() string {
	var failed []string
	n := 0
	for _, err := range e.Errs {
		if err == nil {
			continue
		}
		if n++; n <= 3 {
			failed = append(failed, err.Error())
		}
	}
	more := ""
	if n > 3 {
		more = fmt.Sprintf("; and %d more", n-3)
	}
	return fmt.Sprintf("publish to %s: %d of %d messages not stored: %s%s", e.Topic, n, len(e.Errs), strings.Join(failed, "; "), more)
}

// Unwrap returns the errors of the messages that were not stored, so that errors.Is sees through them.
func (e *PublishErrors) Unwrap() []error {
	var errs []error
	for _, err := range e.Errs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// publishErrors returns errs as a *PublishErrors, or nil when every message was stored.
func publishErrors(topic string, errs []error) error {
	for _, err := range errs {
		if err != nil {
			return &PublishErrors{Topic: topic, Errs: errs}
		}
	}
	return nil
}

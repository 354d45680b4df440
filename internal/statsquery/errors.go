package statsquery

import (
	"errors"
	"fmt"
)

// Error is a query the API refuses: its message names the field and the reason, worded as Plausible's
// where its wording is known. The handler answers it with 400 {"error": message}.
type Error struct {
	Message string
}

func (e *Error) Error() string { return e.Message }

// invalid returns an *Error with the formatted message.
func invalid(format string, args ...any) error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// IsInvalid reports whether err is a refusal of the query (400) rather than a failure to answer it.
func IsInvalid(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// typeMismatch is ExJsonSchema's message for a value of the wrong type at path.
func typeMismatch(path, want string, got any) error {
	return invalid("%s: Type mismatch. Expected %s but got %s.", path, want, typeName(got))
}

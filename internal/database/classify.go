package database

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotRetryable marks a start-up error that waiting cannot cure: a malformed DATABASE_URL, credentials
// or a database name that Postgres rejects, a migration that fails, a schema older than the build.
var ErrNotRetryable = errors.New("not retryable")

// notRetryable is an error that says which setting to fix; it matches ErrNotRetryable and its cause.
type notRetryable struct {
	msg   string
	cause error
}

func (e *notRetryable) Error() string   { return e.msg }
func (e *notRetryable) Unwrap() []error { return []error{ErrNotRetryable, e.cause} }

// transientStates are the SQLSTATEs of a connection that failed or a Postgres that is starting or
// stopping; the class 53 (insufficient resources) counts as well. The rest of class 08 does not: a
// protocol_violation (08P01), say a PgBouncer rejecting a startup parameter it does not support, or a
// rejected connection (08004) is the same on every attempt.
var transientStates = map[string]bool{
	"08000": true, // connection_exception
	"08001": true, // sqlclient_unable_to_establish_sqlconnection
	"08003": true, // connection_does_not_exist
	"08006": true, // connection_failure
	"57P01": true, // admin_shutdown
	"57P02": true, // crash_shutdown
	"57P03": true, // cannot_connect_now: starting up, shutting down, in recovery
}

// reachableLater reports whether err means that Postgres is not reachable yet, so that the same
// attempt may succeed later: no route, refused, a name that does not resolve yet, a timeout, a server
// starting up or shutting down. Anything else, and any error Postgres itself reports outside those
// states, is taken as permanent.
func reachableLater(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return transientStates[pgErr.Code] || strings.HasPrefix(pgErr.Code, "53")
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "remote error" || opErr.Op == "local error") {
		return false // a TLS alert: the TLS settings do not match the server's
	}
	var netErr net.Error
	return errors.As(err, &netErr) || pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// explain turns a connection error that waiting cannot cure into one that names DATABASE_URL (shown as
// where, without its password) and what to fix.
func explain(where string, err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return &notRetryable{msg: fmt.Sprintf("DATABASE_URL=%s: cannot connect, and waiting will not help: %v", where, err), cause: err}
	}
	hint := "Postgres refuses the connection"
	switch {
	case strings.HasPrefix(pgErr.Code, "28"):
		hint = "Postgres rejects the user or password; fix them in DATABASE_URL"
	case pgErr.Code == "3D000":
		hint = "the database does not exist; create it, or fix its name in DATABASE_URL"
	case pgErr.Code == "42501":
		hint = "the user may not connect to this database; grant CONNECT or use another user in DATABASE_URL"
	}
	return &notRetryable{msg: fmt.Sprintf("DATABASE_URL=%s: %s: %v", where, hint, pgErr), cause: err}
}

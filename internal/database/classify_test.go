package database_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/database"
)

// TestReachableLater covers the errors that the tests against the running Postgres cannot provoke on
// demand (a server starting up, out of connections, a TLS mismatch); the others are in ready_test.go.
func TestReachableLater(t *testing.T) {
	t.Parallel()
	pgErr := func(code string) error {
		return fmt.Errorf("failed to connect: %w", &pgconn.PgError{Severity: "FATAL", Code: code})
	}
	cases := []struct {
		name  string
		err   error
		retry bool
	}{
		{name: "starting_up", err: pgErr("57P03"), retry: true},
		{name: "admin_shutdown", err: pgErr("57P01"), retry: true},
		{name: "too_many_connections", err: pgErr("53300"), retry: true},
		{name: "connection_exception", err: pgErr("08000"), retry: true},
		{name: "unable_to_establish_connection", err: pgErr("08001"), retry: true},
		{name: "connection_does_not_exist", err: pgErr("08003"), retry: true},
		{name: "connection_failure", err: pgErr("08006"), retry: true},
		{name: "protocol_violation", err: pgErr("08P01")}, // e.g. PgBouncer rejecting a startup parameter
		{name: "server_rejected_connection", err: pgErr("08004")},
		{name: "wrong_password", err: pgErr("28P01")},
		{name: "no_such_role", err: pgErr("28000")},
		{name: "missing_database", err: pgErr("3D000")},
		{name: "no_connect_privilege", err: pgErr("42501")},
		{name: "refused", err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, retry: true},
		{name: "name_not_resolving_yet", err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "postgres", IsNotFound: true}}, retry: true},
		{name: "timeout", err: fmt.Errorf("ping: %w", context.DeadlineExceeded), retry: true},
		{name: "closed_during_handshake", err: fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), retry: true},
		{name: "tls_alert_from_server", err: &net.OpError{Op: "remote error", Err: errors.New("tls: handshake failure")}},
		{name: "certificate_not_trusted", err: &x509.UnknownAuthorityError{}},
		{name: "server_refused_tls", err: errors.New("server refused TLS connection")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.retry, database.ReachableLater(tc.err))
		})
	}
}

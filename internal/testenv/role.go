package testenv

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ServiceRoleURL creates a login role with only the rights a service needs in the database at dsn —
// CONNECT, USAGE on schema public, SELECT/INSERT/UPDATE/DELETE on its tables and USAGE on its
// sequences, but not CREATE — and returns dsn with that role's credentials. Grants cover the tables
// that exist when it is called. The role is dropped when the test ends.
func ServiceRoleURL(t testing.TB, dsn string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v\n%s", dsn, err, howToStart)
	}
	defer conn.Close(ctx)
	role := "test_service_" + randomSuffix()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", dsn, err)
	}
	database := u.Path[1:]
	for _, stmt := range []string{
		"CREATE ROLE " + role + " LOGIN PASSWORD '" + role + "'",
		"REVOKE CREATE ON SCHEMA public FROM PUBLIC",
		"GRANT CONNECT ON DATABASE " + database + " TO " + role,
		"GRANT USAGE ON SCHEMA public TO " + role,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("service role: %s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop role %s: %v", role, err)
			return
		}
		defer conn.Close(ctx)
		for _, stmt := range []string{"DROP OWNED BY " + role, "DROP ROLE " + role} {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				t.Errorf("drop role %s: %s: %v", role, stmt, err)
			}
		}
	})
	u.User = url.UserPassword(role, role)
	return u.String()
}

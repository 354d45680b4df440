// Package testenv gives integration tests real, isolated Postgres databases and Redis streams, and
// fails with instructions when a server is not running.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/migrations"
)

const defaultDatabaseURL = "postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable"

const howToStart = "start Postgres and Redis with `go tool task services` (or run the tests with `go tool task test`), " +
	"or point DATABASE_URL / REDIS_HOST / REDIS_PORT at running servers"

// DatabaseURL returns a URL for a fresh database with the real migrations applied; it is dropped when
// the test ends.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	dsn := EmptyDatabaseURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool := connect(t, dsn)
	defer pool.Close()
	if err := migrations.Apply(ctx, pool); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return dsn
}

// EmptyDatabaseURL returns a URL for a fresh database without any migration applied; it is dropped when
// the test ends.
func EmptyDatabaseURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		base = defaultDatabaseURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("postgres at DATABASE_URL is unreachable: %v\n%s", err, howToStart)
	}
	defer admin.Close(ctx)

	name := "test_" + randomSuffix()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v (the DATABASE_URL role needs CREATEDB)", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Database returns a pool on a fresh, migrated database that is dropped when the test ends.
func Database(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool := connect(t, DatabaseURL(t))
	t.Cleanup(pool.Close)
	return pool
}

func connect(t testing.TB, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", dsn, err)
	}
	return pool
}

func randomSuffix() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("read random: %v", err))
	}
	return hex.EncodeToString(b)
}

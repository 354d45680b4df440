package database_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// giveUpAfter bounds a start-up that should not wait at all; reaching it means the error was retried.
const giveUpAfter = 30 * time.Second

func TestOpenReadyFailsAtOnce(t *testing.T) {
	t.Parallel()
	dsn := testenv.DatabaseURL(t)
	cases := []struct {
		name string
		url  string
		want string
	}{
		{name: "malformed_url", url: "postgres://analytics:secret@localhost:notaport/analytics", want: "invalid port"},
		{name: "keyword_value_malformed", url: "host=localhost password=secret port=abc", want: "invalid port"},
		{name: "wrong_password", url: strings.Replace(dsn, "analytics:analytics@", "analytics:secret@", 1), want: "28P01"},
		{name: "missing_database", url: strings.Replace(dsn, "/test_", "/missing_", 1), want: "database does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), giveUpAfter)
			defer cancel()
			pool, err := database.OpenReady(ctx, tc.url, 1, slog.New(slog.DiscardHandler))
			require.Nil(t, pool)
			require.NoError(t, ctx.Err(), "retried until the deadline: %v", err)
			require.ErrorIs(t, err, database.ErrNotRetryable)
			require.ErrorContains(t, err, "DATABASE_URL")
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "secret")
		})
	}
}

func TestOpenReadyWaitsUntilPostgresListens(t *testing.T) {
	t.Parallel()
	target, err := url.Parse(testenv.DatabaseURL(t))
	require.NoError(t, err)
	port := freePort(t)
	proxied := *target
	proxied.Host = fmt.Sprint("127.0.0.1:", port)

	retried := make(chan struct{}, 100)
	log := slog.New(slog.NewTextHandler(signalWriter(retried), nil))
	opened := make(chan error, 1)
	go func() {
		pool, err := database.OpenReady(context.Background(), proxied.String(), 1, log)
		if err == nil {
			err = pool.Ping(context.Background())
			pool.Close()
		}
		opened <- err
	}()
	<-retried
	<-retried
	proxy(t, port, target.Host)
	require.NoError(t, <-opened, "Postgres listens now; OpenReady must connect")
}

func TestOpenReadyRetriesUntilContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	retried := make(chan struct{}, 100)
	go func() {
		for range 3 {
			<-retried
		}
		cancel()
	}()
	dsn := fmt.Sprintf("postgres://analytics:secret@127.0.0.1:%d/analytics?sslmode=disable", freePort(t))
	_, err := database.OpenReady(ctx, dsn, 1, slog.New(slog.NewTextHandler(signalWriter(retried), nil)))
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, database.ErrNotRetryable)
	require.ErrorContains(t, err, "connection refused")
	require.NotContains(t, err.Error(), "secret")
}

// signalWriter sends on ch for every record written (each log line).
type signalWriter chan struct{}

func (w signalWriter) Write(p []byte) (int, error) {
	select {
	case w <- struct{}{}:
	default:
	}
	return len(p), nil
}

// proxy listens on port from now on and forwards each connection to target, until the test ends.
func proxy(t *testing.T, port int, target string) {
	t.Helper()
	ln, err := net.Listen("tcp", fmt.Sprint("127.0.0.1:", port))
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			go pipe(client, server)
		}
	})
}

func pipe(a, b net.Conn) {
	done := make(chan struct{}, 2)
	copyHalf := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go copyHalf(a, b)
	go copyHalf(b, a)
	<-done
	a.Close()
	b.Close()
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// stack is ingestion, the processor and reporting, each as its own service would run (real listeners,
// httpapi.Serve, a real Redis stream and a real Postgres database), all logging JSON at debug level into
// logs.
type stack struct {
	ingestion string // host:port
	reporting string
	db        *pgxpool.Pool
	logs      *logBuffer
}

// startStack runs the three services until the test ends, then checks that they stopped cleanly.
func startStack(t *testing.T) stack {
	t.Helper()
	msgCfg := testenv.Messaging(t)
	dbURL := testenv.ProcessorDatabaseURL(t, msgCfg)
	db, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(db.Close)

	logs := &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ingestLn, reportLn := listen(t), listen(t)
	s := stack{ingestion: ingestLn.Addr().String(), reporting: reportLn.Addr().String(), db: db, logs: logs}

	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 3)
	go func() {
		errs <- ingestion.Serve(ctx, ingestion.Config{Messaging: msgCfg, ShutdownTimeout: 5 * time.Second}, ingestLn, log.With("service", "ingestion"))
	}()
	go func() {
		errs <- processor.Run(ctx, processor.Config{DatabaseURL: dbURL, Concurrency: 4, Messaging: msgCfg, ShutdownTimeout: 5 * time.Second}, log.With("service", "processor"))
	}()
	go func() {
		errs <- reporting.Serve(ctx, reporting.Config{DatabaseURL: dbURL, ShutdownTimeout: 5 * time.Second}, reportLn, log.With("service", "reporting"))
	}()
	t.Cleanup(func() {
		cancel()
		for range 3 {
			require.NoError(t, <-errs, "a service did not shut down cleanly")
		}
	})
	waitReady(t, s.ingestion)
	waitReady(t, s.reporting)
	return s
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// waitReady waits until GET /ready on addr answers 200.
func waitReady(t *testing.T, addr string) {
	t.Helper()
	require.Eventually(t, func() bool {
		a, err := exchange(addr, "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n", 1, 2*time.Second)
		return err == nil && len(a.responses) == 1 && a.responses[0].status == 200
	}, 30*time.Second, 50*time.Millisecond, "%s never became ready", addr)
}

// logBuffer collects the services' log output.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns every log line decoded, failing the test on a line that is not one JSON object or that
// carries a raw control character (a log injection).
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		for i := 0; i < len(line); i++ {
			require.False(t, line[i] < 0x20 || line[i] == 0x7f, "log line carries raw control byte %#x: %.300q", line[i], line)
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), "log line is not JSON: %.300q", line)
		out = append(out, m)
	}
	return out
}

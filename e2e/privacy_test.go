package e2e_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/clientip"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// privacyLog is a log destination that several services write at once.
type privacyLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *privacyLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *privacyLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestClientAddressesAreNeverStoredNorLogged posts anonymous events from an IPv4 and an IPv6 client
// (through a trusted proxy), valid and invalid, one by one and in a batch, through ingestion (which
// identifies their visitors) and the processor, all logging at debug level, and then looks for the
// addresses in every column of every table, every entry of the stream, ingestion's metrics and every
// log line: they are in none.
func TestClientAddressesAreNeverStoredNorLogged(t *testing.T) {
	t.Parallel()
	clients := []string{"203.0.113.77", "2001:db8::77"}
	msgCfg := testenv.Messaging(t)
	dbURL := testenv.ProcessorDatabaseURL(t, msgCfg)
	var logs privacyLog
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	var trusted clientip.Trusted
	require.NoError(t, trusted.UnmarshalText([]byte("127.0.0.0/8")))
	ctx, cancel := context.WithCancel(context.Background())
	ingestLn := listen(t)
	base := "http://" + ingestLn.Addr().String()
	errs := make(chan error, 2)
	go func() {
		errs <- ingestion.Serve(ctx, ingestion.Config{Messaging: msgCfg, ShutdownTimeout: shutdownTimeout, TrustedProxies: trusted,
			Visitors: ingestion.VisitorConfig{DatabaseURL: dbURL}}, ingestLn, log.With("service", "ingestion"))
	}()
	go func() {
		errs <- processor.Run(ctx, processor.Config{DatabaseURL: dbURL, Messaging: msgCfg, ShutdownTimeout: shutdownTimeout},
			log.With("service", "processor"))
	}()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			for range 2 {
				require.NoError(t, <-errs)
			}
		}
	}
	t.Cleanup(stop)

	now := time.Now().UTC().Format(time.RFC3339)
	sent := 0
	for i, client := range clients {
		one := fmt.Sprintf(`{"site_id":"privacy.example","event_type":"page_view","path":"/p%d","timestamp":%q}`, i, now)
		requirePrivacyStatus(t, privacyPost(t, base+"/event", client, one), http.StatusOK)
		batch := fmt.Sprintf(`[%s,{"site_id":"privacy.example","event_type":"click","path":"/b","timestamp":%q},{"site_id":""}]`, one, now)
		requirePrivacyStatus(t, privacyPost(t, base+"/events", client, batch), http.StatusOK)
		requirePrivacyStatus(t, privacyPost(t, base+"/event", client, `{"site_id":"privacy.example"}`), http.StatusBadRequest)
		sent += 3 // the single event and the batch's two valid ones (ids made by ingestion)
	}
	privacyGet(t, base+"/ready")
	metrics := privacyGet(t, base+"/metrics")

	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.Eventually(t, func() bool {
		var n int
		return pool.QueryRow(context.Background(), `SELECT count(*) FROM events`).Scan(&n) == nil && n == sent
	}, 30*time.Second, 20*time.Millisecond, "the processor stores the %d events", sent)
	var salts int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM visitor_salts`).Scan(&salts))
	require.NotZero(t, salts, "the visitors were identified with salts")
	stop()

	entries, err := testenv.RedisClient(t, msgCfg).XRange(context.Background(), msgCfg.Stream, "-", "+").Result()
	require.NoError(t, err)
	stream := fmt.Sprint(entries)
	require.Contains(t, stream, "privacy.example", "the stream holds the events")
	text := logs.String()
	require.Contains(t, text, `"msg":"request"`, "the debug request log was on")
	tables := rowsAsText(t, pool)
	for _, client := range clients {
		for _, form := range []string{client, hex.EncodeToString([]byte(client))} {
			require.NotContains(t, text, form, "a log line holds the client's address")
			require.NotContains(t, stream, form, "the stream holds the client's address")
			require.NotContains(t, metrics, form, "the metrics hold the client's address")
			for table, rows := range tables {
				require.NotContains(t, rows, form, "table %s holds the client's address", table)
			}
		}
	}
}

// rowsAsText returns every row of every table of the public schema, each as Postgres casts a row to
// text (bytea columns as hex).
func rowsAsText(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, _ := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Contains(t, tables, "events")
	texts := map[string]string{}
	for _, table := range tables {
		rows, _ := pool.Query(ctx, fmt.Sprintf(`SELECT r::text FROM %s AS r`, pgx.Identifier{table}.Sanitize()))
		values, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		texts[table] = strings.Join(values, "\n")
	}
	return texts
}

type privacyAnswer struct {
	status int
	body   string
}

func privacyPost(t *testing.T, url, client, body string) privacyAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", client)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	return privacySend(t, req)
}

func privacyGet(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	a := privacySend(t, req)
	require.Equal(t, http.StatusOK, a.status, a.body)
	return a.body
}

func privacySend(t *testing.T, req *http.Request) privacyAnswer {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return privacyAnswer{status: res.StatusCode, body: string(b)}
}

func requirePrivacyStatus(t *testing.T, a privacyAnswer, status int) {
	t.Helper()
	require.Equal(t, status, a.status, a.body)
}

package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/messaging"
)

func TestPoisonMessageAmongGoodOnesThenReplay(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, s.Postgres.URL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	// The database rejects one path, as a constraint added by an operator would.
	require.Eventually(t, func() bool {
		var exists bool
		return pool.QueryRow(ctx, `SELECT to_regclass('events') IS NOT NULL`).Scan(&exists) == nil && exists
	}, time.Minute, 50*time.Millisecond)
	_, err = pool.Exec(ctx, `ALTER TABLE events ADD CONSTRAINT events_path_not_forbidden CHECK (path <> '/forbidden')`)
	require.NoError(t, err)

	before := <-s.runLoad("before", loadEvents/2, nil)
	bad := event.Event{EventID: "poison-1", SiteID: "site-1", EventType: event.PageView, Path: "/forbidden",
		UserID: "user-poison", Timestamp: time.Date(2025, 11, 12, 15, 0, 0, 0, time.UTC)}
	body, err := json.Marshal(bad)
	require.NoError(t, err)
	resp, err := http.Post(s.IngestionURL+"/event", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	after := <-s.runLoad("after", loadEvents/2, nil)

	good := before
	good.Acked = append(good.Acked, after.Acked...)
	start := time.Now()
	s.waitCounted(int64(len(good.Acked)), 3*time.Minute)
	s.requireExact("poison among good ones", good, time.Since(start))

	queue, err := messaging.NewPoisonQueue(pool, "analytics_poison")
	require.NoError(t, err)
	entries, err := queue.List(ctx, 0)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the rejected event is poisoned")
	require.Contains(t, string(entries[0].Payload), `"poison-1"`)
	require.Contains(t, entries[0].Reason, "events_path_not_forbidden")
	poisoned := entries[0]

	// The fix, then the operator's replay.
	_, err = pool.Exec(ctx, `ALTER TABLE events DROP CONSTRAINT events_path_not_forbidden`)
	require.NoError(t, err)
	s.admin(t, "poison", "replay", "-all")
	all := good
	all.Acked = append(all.Acked, bad)
	start = time.Now()
	s.waitCounted(int64(len(all.Acked)), time.Minute)
	s.requireExact("replayed poison", all, time.Since(start))
	entries, err = queue.List(ctx, 0)
	require.NoError(t, err)
	require.Empty(t, entries)

	// A second replay of the same message (as after a crash between publishing and deleting the entry)
	// does not count it again.
	client := redis.NewClient(&redis.Options{Addr: s.RedisAddr()})
	t.Cleanup(func() { client.Close() })
	msg := message.NewMessage(poisoned.UUID, poisoned.Payload)
	values, err := redisstream.DefaultMarshallerUnmarshaller{}.Marshal("events", msg)
	require.NoError(t, err)
	require.NoError(t, client.XAdd(ctx, &redis.XAddArgs{Stream: "events", Values: values}).Err())
	require.Eventually(t, func() bool {
		status, err := messaging.QueueStatus(ctx, client, "events", "processor_events")
		return err == nil && status.Lag == 0 && status.Pending == 0
	}, time.Minute, 50*time.Millisecond)
	s.requireExact("replayed twice", all, 0)
}

// admin runs the admin command against the stack and fails the test if it fails.
func (s *stack) admin(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "admin"), args...)
	cmd.Env = append(cmd.Environ(), s.Env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "admin %s:\n%s", strings.Join(args, " "), out)
}

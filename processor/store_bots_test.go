package processor_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// bot returns e marked as a bot's.
func bot(e event.Event) event.Event {
	e.Bot = true
	return e
}

// Bots' events are stored raw with is_bot and change no projection: a batch of a bot's events alone
// leaves the day empty, and in a mixed batch only the others count. A bot's duplicate is still one.
func TestApplyStoresBotEventsRawOnly(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	store := processor.NewStore(pool)
	ctx := context.Background()

	n, err := store.Apply(ctx, []event.Event{
		bot(ev("b1", "s", event.PageView, "/bot", "crawler", "2025-11-12T10:00:00Z")),
		bot(ev("b2", "s", "click", "/bot", "crawler", "2025-11-12T10:00:01Z")),
	})
	require.NoError(t, err)
	require.Zero(t, n, "bots' events are stored, not projected")
	require.Equal(t, day{paths: map[string]int64{}, types: map[string]int64{}}, readDay(t, pool, "s", "2025-11-12"))

	n, err = store.Apply(ctx, []event.Event{
		bot(ev("b1", "s", event.PageView, "/bot", "crawler", "2025-11-12T10:00:00Z")),
		bot(ev("b3", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:02Z")),
		ev("h1", "s", event.PageView, "/a", "u1", "2025-11-12T11:00:00Z"),
		ev("h2", "s", "click", "/a", "u2", "2025-11-12T11:00:01Z"),
	})
	require.NoError(t, err)
	require.Equal(t, 2, n, "b1 is a duplicate, b3 a bot's: stored, not projected")
	require.Equal(t, day{views: 1, events: 2, users: 2, paths: map[string]int64{"/a": 1}, types: map[string]int64{event.PageView: 1, "click": 1}},
		readDay(t, pool, "s", "2025-11-12"))

	rows, err := pool.Query(ctx, `SELECT event_id, is_bot FROM events ORDER BY event_id`)
	require.NoError(t, err)
	stored := map[string]bool{}
	for rows.Next() {
		var id string
		var isBot bool
		require.NoError(t, rows.Scan(&id, &isBot))
		stored[id] = isBot
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[string]bool{"b1": true, "b2": true, "b3": true, "h1": false, "h2": false}, stored)
}

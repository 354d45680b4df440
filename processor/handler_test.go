package processor_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
)

func TestHandlerBoundsTheEventsOfOneMessage(t *testing.T) {
	t.Parallel()
	const limit = 50
	pool := testenv.Database(t)
	b := processor.NewBatcher(processor.NewStore(pool), 10, time.Millisecond, 1, time.Minute)
	startBatcher(t, b)
	h := processor.NewHandler(b, limit)
	message := func(prefix string, n int) *message.Message {
		events := make([]event.Event, n)
		for i := range events {
			events[i] = ev(fmt.Sprint(prefix, i), "s", event.PageView, "/", "", "2025-11-12T10:00:00Z")
		}
		payload, err := event.Marshal(events)
		require.NoError(t, err)
		return message.NewMessage(watermill.NewUUID(), payload)
	}

	err := h.Handle(message("over-", limit+1))
	require.True(t, messaging.IsPermanent(err), "a message over the limit is poisoned at once, got %v", err)
	require.ErrorContains(t, err, "51 events, more than PROCESSOR_MAX_MESSAGE_EVENTS (50)")
	var stored int64
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM events`).Scan(&stored))
	require.Zero(t, stored, "none of its events reached the batcher")

	require.NoError(t, h.Handle(message("at-", limit)))
	require.Equal(t, int64(limit), readDay(t, pool, "s", "2025-11-12").views)
}

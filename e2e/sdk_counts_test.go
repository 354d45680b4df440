package e2e_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/messaging"
)

// sdkPipeline is the stack of startPipeline on Redis, as the SDK tests use it, and its broker.
type sdkPipeline struct {
	pipeline
	messaging messaging.Config
}

// startSDKPipeline runs ingestion (which gives anonymous events their visitors), the processor and
// reporting on the running Redis and Postgres until the test ends.
func startSDKPipeline(t *testing.T) sdkPipeline {
	t.Helper()
	var p sdkPipeline
	p.pipeline = startPipeline(t, messaging.BrokerRedis, identifyVisitors,
		func(cfg *ingestion.Config, _ string) { p.messaging = cfg.Messaging })
	return p
}

// sdkSource registers site as a public site (the query API answers it without a key) and makes a
// source for it, whose write key it returns: the key decides the site of the SDK's events.
func sdkSource(t *testing.T, databaseURL, site string) string {
	t.Helper()
	publicSites(t, databaseURL, site)
	return writeKey(t, databaseURL, site)
}

// sdkQuery is a query API body for site over todayRange; rest adds the metrics and the others.
func sdkQuery(site, rest string) string {
	return fmt.Sprintf(`{"site_id":%q,"date_range":%s,%s}`, site, todayRange(), rest)
}

// waitForDrained waits until the processor has acknowledged every entry of the pipeline's stream, each
// after its transaction committed: counts read afterwards are final, and an event counted twice would
// show.
func waitForDrained(t *testing.T, p sdkPipeline) {
	t.Helper()
	client := messaging.NewRedisClient(p.messaging, 1)
	defer client.Close()
	var last messaging.Status
	ok := assert.Eventually(t, func() bool {
		status, err := messaging.QueueStatus(context.Background(), client, p.messaging.Stream, p.messaging.ConsumerGroup)
		if err != nil {
			return false
		}
		last = status
		return status.GroupExists && status.Pending == 0 && status.Lag == 0
	}, 30*time.Second, 50*time.Millisecond)
	if !ok {
		t.Fatalf("the processor never drained the stream:\n%s", last)
	}
}

// storedEvents returns the raw events of site: their ids, and how many there are of each event type.
func storedEvents(t *testing.T, databaseURL, site string) (ids []string, types map[string]int) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, databaseURL)
	require.NoError(t, err)
	defer pool.Close()
	rows, err := pool.Query(ctx, `SELECT event_id, event_type FROM events WHERE site_id = $1 ORDER BY event_id`, site)
	require.NoError(t, err)
	defer rows.Close()
	types = map[string]int{}
	for rows.Next() {
		var id, typ string
		require.NoError(t, rows.Scan(&id, &typ))
		ids = append(ids, id)
		types[typ]++
	}
	require.NoError(t, rows.Err())
	return ids, types
}

// requireStoredOnce checks that site's raw events are exactly the messageIds the proxy passed, each
// stored once, with those counts of event types.
func requireStoredOnce(t *testing.T, databaseURL, site string, proxy *sdkProxy, types map[string]int) {
	t.Helper()
	ids, got := storedEvents(t, databaseURL, site)
	require.Equal(t, types, got, "raw events of %s by type", site)
	require.Equal(t, slices.Sorted(maps.Keys(proxy.Seen())), ids, "raw event ids of %s: the messageIds the SDK sent", site)
}

package messaging_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// trimEntries is how many entries the trim tests add: several stream nodes' worth.
const trimEntries = 300

// nodeEntries is the most entries one stream node holds (stream-node-max-entries): approximate trimming
// removes whole nodes only, so up to this many acknowledged entries may stay.
func nodeEntries(t *testing.T, client *redis.Client) int64 {
	t.Helper()
	node, err := client.ConfigGet(context.Background(), "stream-node-max-entries").Result()
	require.NoError(t, err)
	n, err := strconv.ParseInt(node["stream-node-max-entries"], 10, 64)
	require.NoError(t, err)
	return n
}

// entryIDs returns the ids of the entries of stream, oldest first.
func entryIDs(t *testing.T, client *redis.Client, stream string) []string {
	t.Helper()
	entries, err := client.XRange(context.Background(), stream, "-", "+").Result()
	require.NoError(t, err)
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	return ids
}

func TestTrimStream(t *testing.T) {
	t.Parallel()
	const other = "other_group"
	ctx := context.Background()
	cases := []struct {
		name    string
		prepare func(t *testing.T, client *redis.Client, stream, group string)
		// kept is how many of the newest entries must stay; trimmed, whether older ones must go.
		kept    int
		trimmed bool
	}{
		{
			name:    "missing_stream",
			prepare: func(*testing.T, *redis.Client, string, string) {},
		},
		{
			name: "only_group_acknowledged_everything",
			prepare: func(t *testing.T, client *redis.Client, stream, group string) {
				addEntries(t, client, stream, trimEntries)
				require.NoError(t, client.XGroupCreate(ctx, stream, group, "0").Err())
				readAs(t, client, stream, group, "c1", trimEntries, trimEntries)
			},
			trimmed: true,
		},
		{
			name: "processor_group_missing",
			prepare: func(t *testing.T, client *redis.Client, stream, _ string) {
				addEntries(t, client, stream, trimEntries)
				require.NoError(t, client.XGroupCreate(ctx, stream, other, "0").Err())
				readAs(t, client, stream, other, "c1", trimEntries, trimEntries)
			},
			kept: trimEntries,
		},
		{
			name: "group_acknowledged_part",
			prepare: func(t *testing.T, client *redis.Client, stream, group string) {
				addEntries(t, client, stream, trimEntries)
				require.NoError(t, client.XGroupCreate(ctx, stream, group, "0").Err())
				readAs(t, client, stream, group, "c1", trimEntries, trimEntries/2)
			},
			kept: trimEntries / 2, trimmed: true,
		},
		{
			name: "group_has_not_read_the_newest",
			prepare: func(t *testing.T, client *redis.Client, stream, group string) {
				addEntries(t, client, stream, trimEntries)
				require.NoError(t, client.XGroupCreate(ctx, stream, group, "0").Err())
				readAs(t, client, stream, group, "c1", trimEntries/2, trimEntries/2)
			},
			kept: trimEntries / 2, trimmed: true,
		},
		{
			name: "second_group_read_nothing",
			prepare: func(t *testing.T, client *redis.Client, stream, group string) {
				addEntries(t, client, stream, trimEntries)
				require.NoError(t, client.XGroupCreate(ctx, stream, group, "0").Err())
				require.NoError(t, client.XGroupCreate(ctx, stream, other, "0").Err())
				readAs(t, client, stream, group, "c1", trimEntries, trimEntries)
			},
			kept: trimEntries,
		},
		{
			name: "second_group_read_but_did_not_acknowledge",
			prepare: func(t *testing.T, client *redis.Client, stream, group string) {
				addEntries(t, client, stream, trimEntries)
				require.NoError(t, client.XGroupCreate(ctx, stream, group, "0").Err())
				require.NoError(t, client.XGroupCreate(ctx, stream, other, "0").Err())
				readAs(t, client, stream, group, "c1", trimEntries, trimEntries)
				readAs(t, client, stream, other, "c1", trimEntries, 0)
			},
			kept: trimEntries,
		},
		{
			name: "second_group_acknowledged_part",
			prepare: func(t *testing.T, client *redis.Client, stream, group string) {
				addEntries(t, client, stream, trimEntries)
				require.NoError(t, client.XGroupCreate(ctx, stream, group, "0").Err())
				require.NoError(t, client.XGroupCreate(ctx, stream, other, "0").Err())
				readAs(t, client, stream, group, "c1", trimEntries, trimEntries)
				readAs(t, client, stream, other, "c1", trimEntries, trimEntries/2)
			},
			kept: trimEntries / 2, trimmed: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Messaging(t)
			client := testenv.RedisClient(t, cfg)
			tc.prepare(t, client, cfg.Stream, cfg.ConsumerGroup)
			before := entryIDs(t, client, cfg.Stream)

			removed, err := messaging.TrimStream(ctx, client, cfg.Stream, cfg.ConsumerGroup, 0)
			require.NoError(t, err)

			after := entryIDs(t, client, cfg.Stream)
			require.Equal(t, int64(len(before)-len(after)), removed)
			require.Equal(t, before[len(before)-len(after):], after, "only the oldest entries are removed")
			require.GreaterOrEqual(t, len(after), tc.kept, "entries some group has not acknowledged were removed")
			if tc.trimmed {
				require.Less(t, int64(len(after)), int64(tc.kept)+nodeEntries(t, client),
					"acknowledged entries beyond one stream node were kept")
			} else {
				require.Len(t, after, len(before), "entries were removed")
			}
		})
	}
}

func TestTrimStreamKeepsEntriesYoungerThanRetention(t *testing.T) {
	t.Parallel()
	const old, young = trimEntries, 50
	ctx := context.Background()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	now, err := client.Time(ctx).Result()
	require.NoError(t, err)
	add := func(ms int64, n int) {
		for i := range n {
			require.NoError(t, client.XAdd(ctx, &redis.XAddArgs{Stream: cfg.Stream, ID: fmt.Sprintf("%d-%d", ms, i+1),
				Values: map[string]any{"k": "v"}}).Err())
		}
	}
	add(now.Add(-time.Hour).UnixMilli(), old)
	add(now.Add(-time.Second).UnixMilli(), young)
	require.NoError(t, client.XGroupCreate(ctx, cfg.Stream, cfg.ConsumerGroup, "0").Err())
	readAs(t, client, cfg.Stream, cfg.ConsumerGroup, "c1", old+young, old+young)

	_, err = messaging.TrimStream(ctx, client, cfg.Stream, cfg.ConsumerGroup, time.Minute)
	require.NoError(t, err)
	length, err := client.XLen(ctx, cfg.Stream).Result()
	require.NoError(t, err)
	require.GreaterOrEqual(t, length, int64(young), "entries younger than the retention were removed")
	require.Less(t, length, young+nodeEntries(t, client), "entries older than the retention were kept")

	_, err = messaging.TrimStream(ctx, client, cfg.Stream, cfg.ConsumerGroup, 0)
	require.NoError(t, err)
	length, err = client.XLen(ctx, cfg.Stream).Result()
	require.NoError(t, err)
	require.Less(t, length, nodeEntries(t, client), "with no retention, every acknowledged entry goes")
}

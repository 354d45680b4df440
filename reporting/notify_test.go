package reporting_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/processor"
)

// TestStatsChangedNotification checks what the triggers of migrations/00002 and 00005 send on stats_changed.
func TestStatsChangedNotification(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	var manyKeys []string
	for i := 1; i <= 500; i++ {
		manyKeys = append(manyKeys, fmt.Sprintf("site-%d|2025-11-12", i))
	}
	slices.Sort(manyKeys)
	existing := []event.Event{
		ev("1", "a", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
		ev("2", "b", "click", "/b", "u1", "2025-11-12T10:00:00Z"),
	}
	cases := []struct {
		name   string
		events []event.Event // applied as the processor does, when sql is empty
		sql    string
		want   []string // the keys of every notification, sorted
	}{
		{
			name:   "inserted_and_updated_keys",
			events: []event.Event{ev("3", "a", event.PageView, "/c", "", "2025-11-12T11:00:00Z"), ev("4", "a", "click", "/d", "u2", "2025-11-13T11:00:00Z"), ev("5", "c", event.PageView, "/e", "", "2025-11-12T11:00:00Z")},
			want:   []string{"a|2025-11-12", "a|2025-11-13", "c|2025-11-12"},
		},
		{
			name:   "each_key_once",
			events: []event.Event{ev("3", "a", event.PageView, "/c", "", "2025-11-12T11:00:00Z"), ev("4", "a", event.PageView, "/d", "", "2025-11-12T12:00:00Z")},
			want:   []string{"a|2025-11-12"},
		},
		{
			name:   "site_with_pipe",
			events: []event.Event{ev("3", "x|y", event.PageView, "/c", "", "2025-11-12T11:00:00Z")},
			want:   []string{"x|y|2025-11-12"},
		},
		{
			name:   "nothing_new_notifies_nothing",
			events: existing,
		},
		{
			name: "moved_row_names_both_keys",
			sql:  `UPDATE daily_aggregates SET day = '2025-11-14' WHERE site_id = 'b'`,
			want: []string{"b|2025-11-12", "b|2025-11-14"},
		},
		{
			name:   "site_with_newline_is_everything",
			events: []event.Event{ev("3", "x\ny", event.PageView, "/c", "", "2025-11-12T11:00:00Z")},
			want:   []string{"*"},
		},
		{
			name: "many_keys_each_named",
			sql: `INSERT INTO daily_aggregates (site_id, day, total_views, total_events, unique_users)
			      SELECT 'site-' || g, '2025-11-12', 1, 1, 0 FROM generate_series(1, 500) AS g`,
			want: manyKeys,
		},
		{
			name: "site_too_long_to_name_is_everything",
			sql: `INSERT INTO daily_aggregates (site_id, day, total_views, total_events, unique_users)
			      VALUES (repeat('x', 7900), '2025-11-12', 1, 1, 0)`,
			want: []string{"*"},
		},
		{
			name: "delete_is_everything",
			sql:  `DELETE FROM daily_aggregates WHERE site_id = 'a'`,
			want: []string{"*"},
		},
		{
			name: "truncate_is_everything",
			sql:  `TRUNCATE daily_aggregates`,
			want: []string{"*"},
		},
		{
			name: "recent_days_notify_only_yesterday",
			events: []event.Event{
				{EventID: "3", SiteID: "a", EventType: event.PageView, Path: "/c", Timestamp: now},
				{EventID: "4", SiteID: "a", EventType: event.PageView, Path: "/c", Timestamp: now.Add(48 * time.Hour)},
				{EventID: "5", SiteID: "a", EventType: event.PageView, Path: "/c", Timestamp: now.Add(-24 * time.Hour)},
			},
			want: []string{"a|" + now.Add(-24*time.Hour).Format(time.DateOnly)},
		},
		{
			name: "path_views_alone_notify_nothing",
			sql:  `UPDATE daily_path_views SET views = views + 1`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool := testenv.Database(t)
			_, err := processor.NewStore(pool).Apply(context.Background(), existing)
			require.NoError(t, err)
			got := notifiedKeys(t, pool, func() {
				if tc.sql != "" {
					_, err := pool.Exec(context.Background(), tc.sql)
					require.NoError(t, err)
					return
				}
				_, err := processor.NewStore(pool).Apply(context.Background(), tc.events)
				require.NoError(t, err)
			})
			require.Equal(t, tc.want, got)
		})
	}
}

// notifiedKeys returns the keys notified on stats_changed while change runs, sorted.
func notifiedKeys(t *testing.T, pool *pgxpool.Pool, change func()) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "LISTEN stats_changed")
	require.NoError(t, err)

	change()
	_, err = pool.Exec(ctx, `SELECT pg_notify('stats_changed', 'end of test')`)
	require.NoError(t, err)
	var keys []string
	for {
		n, err := conn.WaitForNotification(ctx)
		require.NoError(t, err)
		if n.Payload == "end of test" {
			break
		}
		if n.Payload == "*" {
			keys = append(keys, "*")
			continue
		}
		keys = append(keys, strings.Split(n.Payload, "\n")...)
	}
	slices.Sort(keys)
	return keys
}

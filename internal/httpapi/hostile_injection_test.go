package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// injections are SQL, HTML, template and control-character strings that are valid as data: each must be
// stored byte-exact, never interpreted.
var injections = []string{
	`'; DROP TABLE events; --`,
	`" OR "1"="1`,
	`' UNION SELECT usename, passwd FROM pg_shadow --`,
	`$1); DELETE FROM daily_aggregates; --`,
	`\'; SELECT pg_sleep(10); --`,
	`<script>alert("x")</script>`,
	`<img src=x onerror=alert(1)>`,
	`{{7*7}}${7*7}%s%n%x`,
	"\u2028\u2029\ufeff",
	`../../etc/passwd`,
	"tab\tnewline\ncarriage\rescape\x1b[31m",
}

// storedEvent is an events row's text columns.
type storedEvent struct {
	SiteID    string `json:"site_id"`
	EventType string `json:"event_type"`
	Path      string `json:"path"`
	UserID    string `json:"user_id"`
}

// injectionFields are the fields an injection is put in, one at a time.
var injectionFields = []string{"site_id", "event_type", "path", "user_id", "event_id"}

// postInjections sends every injection in every field, each event once alone (POST /event) and once in a
// batch (POST /events), and returns the events by event_id.
func postInjections(t *testing.T, s stack) map[string]storedEvent {
	t.Helper()
	want := map[string]storedEvent{}
	var batch []map[string]string
	for _, field := range injectionFields {
		for i, inj := range injections {
			for _, suffix := range []string{"", "-batch"} {
				ev := map[string]string{"site_id": fmt.Sprintf("inj-%s-%d", field, i), "event_type": "page_view",
					"path": "/injected", "user_id": "user", "event_id": fmt.Sprintf("evt-%s-%d", field, i), "timestamp": "2025-11-12T10:00:00Z"}
				ev[field] = inj
				ev["event_id"] += suffix
				want[ev["event_id"]] = storedEvent{SiteID: ev["site_id"], EventType: ev["event_type"], Path: ev["path"], UserID: ev["user_id"]}
				if suffix != "" {
					batch = append(batch, ev)
					continue
				}
				body, err := json.Marshal(ev)
				require.NoError(t, err)
				a, err := exchange(s.ingestion, request("POST", "/event", string(body)), 1, deadline)
				requireAnswered(t, a, err, 1)
				require.Equal(t, 200, a.responses[0].status, "%s: %s", body, a.responses[0].body)
			}
		}
	}
	body, err := json.Marshal(batch)
	require.NoError(t, err)
	a, err := exchange(s.ingestion, request("POST", "/events", string(body)), 1, deadline)
	requireAnswered(t, a, err, 1)
	require.Equal(t, 200, a.responses[0].status, "%s", a.responses[0].body)
	require.NotContains(t, string(a.responses[0].body), `"error"`)
	return want
}

// requireStoredExactly waits for the processor to store every event and compares each column byte for
// byte.
func requireStoredExactly(t *testing.T, s stack, want map[string]storedEvent) {
	t.Helper()
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	ctx := context.Background()
	require.Eventually(t, func() bool {
		var n int
		err := s.db.QueryRow(ctx, `SELECT count(*) FROM events WHERE event_id = ANY($1)`, ids).Scan(&n)
		return err == nil && n == len(want)
	}, 30*time.Second, 50*time.Millisecond, "the injected events were not all stored")
	rows, err := s.db.Query(ctx, `SELECT event_id, site_id, event_type, path, coalesce(user_id, '') FROM events WHERE event_id = ANY($1)`, ids)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var id string
		var got storedEvent
		require.NoError(t, rows.Scan(&id, &got.SiteID, &got.EventType, &got.Path, &got.UserID))
		require.Equal(t, want[id], got, "event %q", id)
	}
	require.NoError(t, rows.Err())
}

// requireStatsOfInjectedSites reads /stats of every injected site id: each answers its own two views.
func requireStatsOfInjectedSites(t *testing.T, s stack) {
	t.Helper()
	for _, inj := range injections {
		a, err := exchange(s.reporting, request("GET", "/stats?date=2025-11-12&site_id="+url.QueryEscape(inj), ""), 1, deadline)
		requireAnswered(t, a, err, 1)
		var stats struct {
			SiteID     string `json:"site_id"`
			TotalViews int64  `json:"total_views"`
		}
		require.NoError(t, json.Unmarshal(a.responses[0].body, &stats))
		require.Equal(t, inj, stats.SiteID)
		require.Equal(t, int64(2), stats.TotalViews, "site %q", inj)
	}
}

// tables lists the public schema's tables.
func tables(t *testing.T, s stack) string {
	t.Helper()
	var names []string
	rows, err := s.db.Query(context.Background(), `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	return strings.Join(names, ",")
}

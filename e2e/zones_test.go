package e2e_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/messaging"
)

// /stats counts each site's days in its own time zone: New York across both DST changes of 2025 (a day of
// 23 hours and one of 25), Kolkata at +05:30 whose midnight is 18:30 UTC the day before, and a site nobody
// registered in UTC days as before. Every event sits just before or after a local midnight or a DST
// change, and each has its own path, so that top_paths shows which day each event was counted on.
func TestStatsCountLocalDays(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, messaging.BrokerRedis)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, p.databaseURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `INSERT INTO sites (site_id, time_zone) VALUES ('ny-shop', 'America/New_York'), ('kolkata-shop', 'Asia/Kolkata')`)
	require.NoError(t, err)

	view := func(site, path, user, ts string) map[string]any {
		return map[string]any{"site_id": site, "event_type": "page_view", "path": path, "user_id": user, "timestamp": ts}
	}
	events := []map[string]any{
		view("ny-shop", "/before-midnight", "n1", "2025-03-08T23:59:59-05:00"),
		view("ny-shop", "/after-midnight", "n2", "2025-03-09T00:00:00-05:00"),
		view("ny-shop", "/before-dst", "n1", "2025-03-09T01:59:59-05:00"),
		view("ny-shop", "/after-dst", "n3", "2025-03-09T03:00:00-04:00"),
		{"site_id": "ny-shop", "event_type": "click", "path": "/click", "user_id": "n4", "timestamp": "2025-03-09T12:00:00-04:00"},
		view("ny-shop", "/late", "n2", "2025-03-09T23:59:59-04:00"),
		view("ny-shop", "/next-day", "n1", "2025-03-10T00:00:00-04:00"),
		view("ny-shop", "/nov-before-midnight", "n1", "2025-11-01T23:59:59-04:00"),
		view("ny-shop", "/first-1-30", "n1", "2025-11-02T01:30:00-04:00"),
		view("ny-shop", "/second-1-30", "n2", "2025-11-02T01:30:00-05:00"),
		view("ny-shop", "/nov-late", "n3", "2025-11-02T23:59:59-05:00"),
		view("ny-shop", "/nov-next", "n1", "2025-11-03T00:00:00-05:00"),
		view("kolkata-shop", "/k-before-midnight", "k1", "2025-03-08T18:29:59Z"),
		view("kolkata-shop", "/k-midnight", "k2", "2025-03-08T18:30:00Z"),
		view("kolkata-shop", "/k-utc-eve", "k1", "2025-03-08T23:59:59Z"),
		view("kolkata-shop", "/k-utc-midnight", "k3", "2025-03-09T00:00:00Z"),
		view("kolkata-shop", "/k-late", "k2", "2025-03-09T23:59:59+05:30"),
		view("kolkata-shop", "/k-next", "k1", "2025-03-10T00:00:00+05:30"),
		{"site_id": "utc-shop", "event_type": "page_view", "path": "/u-before", "timestamp": "2025-03-08T23:59:59Z"},
		view("utc-shop", "/u-after", "u1", "2025-03-09T00:00:00Z"),
	}
	var result struct {
		Accepted int `json:"accepted"`
	}
	require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/events", events, &result))
	require.Equal(t, len(events), result.Accepted)

	for _, c := range []struct{ site, date, want string }{
		{"ny-shop", "2025-03-08", `"total_views":1,"unique_users":1,"top_paths":[{"path":"/before-midnight","views":1}]`},
		{"ny-shop", "2025-03-09", `"total_views":4,"unique_users":4,"top_paths":[{"path":"/after-dst","views":1},` +
			`{"path":"/after-midnight","views":1},{"path":"/before-dst","views":1},{"path":"/late","views":1}]`},
		{"ny-shop", "2025-03-10", `"total_views":1,"unique_users":1,"top_paths":[{"path":"/next-day","views":1}]`},
		{"ny-shop", "2025-11-01", `"total_views":1,"unique_users":1,"top_paths":[{"path":"/nov-before-midnight","views":1}]`},
		{"ny-shop", "2025-11-02", `"total_views":3,"unique_users":3,"top_paths":[{"path":"/first-1-30","views":1},` +
			`{"path":"/nov-late","views":1},{"path":"/second-1-30","views":1}]`},
		{"ny-shop", "2025-11-03", `"total_views":1,"unique_users":1,"top_paths":[{"path":"/nov-next","views":1}]`},
		{"kolkata-shop", "2025-03-08", `"total_views":1,"unique_users":1,"top_paths":[{"path":"/k-before-midnight","views":1}]`},
		{"kolkata-shop", "2025-03-09", `"total_views":4,"unique_users":3,"top_paths":[{"path":"/k-late","views":1},` +
			`{"path":"/k-midnight","views":1},{"path":"/k-utc-eve","views":1},{"path":"/k-utc-midnight","views":1}]`},
		{"kolkata-shop", "2025-03-10", `"total_views":1,"unique_users":1,"top_paths":[{"path":"/k-next","views":1}]`},
		{"utc-shop", "2025-03-08", `"total_views":1,"unique_users":0,"top_paths":[{"path":"/u-before","views":1}]`},
		{"utc-shop", "2025-03-09", `"total_views":1,"unique_users":1,"top_paths":[{"path":"/u-after","views":1}]`},
	} {
		waitForStats(t, p.reportingURL, "site_id="+c.site+"&date="+c.date,
			`{"site_id":"`+c.site+`","date":"`+c.date+`",`+c.want+`}`)
	}
}

package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/projections"
)

func TestParseSites(t *testing.T) {
	t.Parallel()
	cases := []parseCase{
		{name: "create", args: []string{"sites", "create", "example.com"}},
		{name: "create_with_zone", args: []string{"sites", "create", "-time-zone", "Asia/Kolkata", "example.com"}},
		{name: "list", args: []string{"sites", "list"}},
		{name: "list_json", args: []string{"sites", "list", "-json"}},
		{name: "show", args: []string{"sites", "show", "example.com"}},
		{name: "update", args: []string{"sites", "update", "-time-zone", "UTC", "example.com"}},
		{name: "create_without_id", args: []string{"sites", "create"}, wantErr: admin.ErrUsage},
		{name: "create_flag_after_id", args: []string{"sites", "create", "example.com", "-time-zone", "UTC"}, wantErr: admin.ErrUsage},
		{name: "list_extra_argument", args: []string{"sites", "list", "all"}, wantErr: admin.ErrUsage},
		{name: "show_two_ids", args: []string{"sites", "show", "a", "b"}, wantErr: admin.ErrUsage},
		{name: "update_without_zone", args: []string{"sites", "update", "example.com"}, wantErr: admin.ErrUsage},
		{name: "update_without_id", args: []string{"sites", "update", "-time-zone", "UTC"}, wantErr: admin.ErrUsage},
		{name: "unknown", args: []string{"sites", "delete", "example.com"}, wantErr: admin.ErrUsage},
	}
	requireParses(t, cases)
}

func TestSitesCommands(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	text, err := runAdmin(t, cfg, "sites", "list")
	require.NoError(t, err)
	require.Equal(t, "no site is registered: every site is counted in UTC\n", text)

	text, err = runAdmin(t, cfg, "sites", "create", "-time-zone", "America/New_York", "ny.example")
	require.NoError(t, err)
	require.Equal(t, "created site ny.example in time zone America/New_York\n", text)
	text, err = runAdmin(t, cfg, "sites", "create", "plain.example")
	require.NoError(t, err)
	require.Equal(t, "created site plain.example in time zone UTC\n", text)
	_, err = runAdmin(t, cfg, "sites", "create", "-time-zone", "Europe/Atlantis", "x.example")
	require.ErrorIs(t, err, sites.ErrInvalidZone)
	_, err = runAdmin(t, cfg, "sites", "create", "ny.example")
	require.ErrorIs(t, err, sites.ErrExists)

	text, err = runAdmin(t, cfg, "sites", "list")
	require.NoError(t, err)
	require.Regexp(t, `^SITE_ID\s+TIME_ZONE\s+PUBLIC\s+CREATED_AT\s+ALLOWED_ORIGINS\nny\.example\s+America/New_York\s+no\s+\S+Z\s+\*\nplain\.example\s+UTC\s+no\s+\S+Z\s+\*\n$`, text)

	text, err = runAdmin(t, cfg, "sites", "list", "-json")
	require.NoError(t, err)
	var listed []sites.Site
	decoder := json.NewDecoder(bytes.NewBufferString(text))
	for decoder.More() {
		var s sites.Site
		require.NoError(t, decoder.Decode(&s))
		listed = append(listed, s)
	}
	require.Len(t, listed, 2)
	require.Equal(t, "America/New_York", listed[0].TimeZone)

	text, err = runAdmin(t, cfg, "sites", "show", "ny.example")
	require.NoError(t, err)
	var shown sites.Site
	require.NoError(t, json.Unmarshal([]byte(text), &shown))
	require.Equal(t, listed[0], shown)
	_, err = runAdmin(t, cfg, "sites", "show", "nobody.example")
	require.ErrorIs(t, err, sites.ErrNotFound)
}

// TestSitesUpdateRebuildsAfterTheZoneIsCommitted: the rebuild that cmd/admin wires in sees the new zone
// in Postgres, and a failed rebuild leaves the zone changed and says so.
func TestSitesUpdateRebuildsAfterTheZoneIsCommitted(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	_, err := runAdmin(t, cfg, "sites", "create", "in.example")
	require.NoError(t, err)

	var seen []string
	rebuild := func(ctx context.Context, pool *pgxpool.Pool, siteID string, out io.Writer) error {
		var zone string
		if err := pool.QueryRow(ctx, `SELECT time_zone FROM sites WHERE site_id = $1`, siteID).Scan(&zone); err != nil {
			return err
		}
		seen = append(seen, siteID+" "+zone)
		_, err := fmt.Fprintln(out, "rebuilt", siteID)
		return err
	}
	text, err := runAdminWith(t, cfg, []admin.Option{admin.WithSiteRebuild(rebuild)}, "sites", "update", "-time-zone", "Asia/Kolkata", "in.example")
	require.NoError(t, err)
	require.Equal(t, "site in.example is now in time zone Asia/Kolkata (was UTC)\nrebuilt in.example\n", text)
	require.Equal(t, []string{"in.example Asia/Kolkata"}, seen)

	text, err = runAdminWith(t, cfg, []admin.Option{admin.WithSiteRebuild(rebuild)}, "sites", "update", "-time-zone", "Asia/Kolkata", "in.example")
	require.NoError(t, err)
	require.Equal(t, "site in.example is already in time zone Asia/Kolkata; nothing changed\n", text)
	require.Len(t, seen, 1, "no rebuild when nothing changed")

	failing := func(context.Context, *pgxpool.Pool, string, io.Writer) error { return errors.New("disk full") }
	_, err = runAdminWith(t, cfg, []admin.Option{admin.WithSiteRebuild(failing)}, "sites", "update", "-time-zone", "UTC", "in.example")
	require.ErrorContains(t, err, "the zone is changed, but rebuilding site in.example's projections failed")
	text, err = runAdmin(t, cfg, "sites", "show", "in.example")
	require.NoError(t, err)
	require.Contains(t, text, `"time_zone": "UTC"`)

	text, err = runAdmin(t, cfg, "sites", "update", "-time-zone", "Europe/Berlin", "in.example")
	require.NoError(t, err)
	require.Equal(t, "site in.example is now in time zone Europe/Berlin (was UTC)\n"+
		"its projections still count days in UTC: this build does not rebuild them\n", text)
	_, err = runAdmin(t, cfg, "sites", "update", "-time-zone", "Europe/Berlin", "nobody.example")
	require.ErrorIs(t, err, sites.ErrNotFound)
	_, err = runAdmin(t, cfg, "sites", "update", "-time-zone", "Local", "in.example")
	require.ErrorIs(t, err, sites.ErrInvalidZone)
}

// runAdminWith is runAdmin with Parse options.
func runAdminWith(t *testing.T, cfg admin.Config, opts []admin.Option, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd, err := admin.Parse(args, &out, opts...)
	require.NoError(t, err)
	err = cmd.Run(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return out.String(), err
}

// TestSitesCreateRebuildsASiteThatSentEventsBefore: a site sends events before it is registered, which
// are counted in UTC; registering it in another zone recounts them in that zone. A site without events
// and one created in UTC need no rebuild.
func TestSitesCreateRebuildsASiteThatSentEventsBefore(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	pool, err := pgxpool.New(context.Background(), cfg.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	at := time.Date(2025, 11, 12, 20, 0, 0, 0, time.UTC) // 01:30 on the 13th in Kolkata
	for _, site := range []string{"early.example", "utc.example"} {
		_, err = projections.Apply(context.Background(), pool, []event.Event{{EventID: "e1", SiteID: site, EventType: event.PageView, Path: "/", Timestamp: at}})
		require.NoError(t, err)
	}
	opts := []admin.Option{admin.WithSiteRebuild(admin.RebuildSiteProjections)}
	days := func(site string) []string {
		rows, err := pool.Query(context.Background(), `SELECT to_char(day, 'YYYY-MM-DD') FROM daily_aggregates WHERE site_id = $1 ORDER BY day`, site)
		require.NoError(t, err)
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return got
	}

	text, err := runAdminWith(t, cfg, opts, "sites", "create", "-time-zone", "Asia/Kolkata", "early.example")
	require.NoError(t, err)
	require.Contains(t, text, "created site early.example in time zone Asia/Kolkata\n")
	require.Equal(t, []string{"2025-11-13"}, days("early.example"), "its event recounted on Kolkata's date")

	text, err = runAdminWith(t, cfg, opts, "sites", "create", "utc.example")
	require.NoError(t, err)
	require.Equal(t, "created site utc.example in time zone UTC\n", text, "nothing to rebuild in UTC")
	require.Equal(t, []string{"2025-11-12"}, days("utc.example"))

	text, err = runAdminWith(t, cfg, opts, "sites", "create", "-time-zone", "Asia/Kolkata", "new.example")
	require.NoError(t, err)
	require.Equal(t, "created site new.example in time zone Asia/Kolkata\n", text, "no events, no rebuild")
}

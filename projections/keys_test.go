package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
)

func TestParseKeyReadsKey(t *testing.T) {
	t.Parallel()
	for _, site := range []string{"s", "x|y", "a|b|", ""} {
		day := time.Date(2025, 11, 12, 0, 0, 0, 0, time.UTC)
		gotSite, gotDay, ok := projections.ParseKey(projections.Key(site, day))
		require.True(t, ok, site)
		require.Equal(t, site, gotSite)
		require.Equal(t, day, gotDay)
	}
	for _, bad := range []string{"", "s", "s|2025-13-01", "s|"} {
		_, _, ok := projections.ParseKey(bad)
		require.False(t, ok, bad)
	}
}

// The trigger's notification names a changed site-day exactly as Key does, with the site's local day.
func TestNotificationIsKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := testenv.DatabaseURL(t)
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(ctx) })
	_, err = conn.Exec(ctx, "LISTEN "+projections.ChangedChannel)
	require.NoError(t, err)
	writer, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { writer.Close(ctx) })
	_, err = writer.Exec(ctx, `INSERT INTO sites (site_id, time_zone) VALUES ('x|y', 'Asia/Kolkata')`)
	require.NoError(t, err)
	_, err = projections.Apply(ctx, writer, []event.Event{page("1", "x|y", "/a", "u", "2025-11-12T19:00:00Z")})
	require.NoError(t, err)

	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := conn.WaitForNotification(waitCtx)
	require.NoError(t, err)
	require.Equal(t, projections.Key("x|y", time.Date(2025, 11, 13, 0, 0, 0, 0, time.UTC)), n.Payload)
}

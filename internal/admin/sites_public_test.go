package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

func TestParseSitesUpdatePublic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		wantErr error
	}{
		{name: "public", args: []string{"sites", "update", "-public", "example.com"}},
		{name: "private", args: []string{"sites", "update", "-private", "example.com"}},
		{name: "zone_and_public", args: []string{"sites", "update", "-time-zone", "UTC", "-public", "example.com"}},
		{name: "public_and_private", args: []string{"sites", "update", "-public", "-private", "example.com"}, wantErr: admin.ErrUsage},
		{name: "public_without_id", args: []string{"sites", "update", "-public"}, wantErr: admin.ErrUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := admin.Parse(tc.args, io.Discard)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestSitesUpdatePublicNeverRebuilds: -public and -private change only the flag, which no projection
// depends on; combined with a new zone, the site is rebuilt once, for the zone.
func TestSitesUpdatePublicNeverRebuilds(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	_, err := runAdmin(t, cfg, "sites", "create", "open.example")
	require.NoError(t, err)
	var rebuilt []string
	rebuild := func(_ context.Context, _ *pgxpool.Pool, siteID string, out io.Writer) error {
		rebuilt = append(rebuilt, siteID)
		_, err := fmt.Fprintln(out, "rebuilt", siteID)
		return err
	}
	opts := []admin.Option{admin.WithSiteRebuild(rebuild)}
	public := func() bool {
		text, err := runAdmin(t, cfg, "sites", "show", "open.example")
		require.NoError(t, err)
		var site sites.Site
		require.NoError(t, json.Unmarshal([]byte(text), &site))
		return site.Public
	}

	text, err := runAdminWith(t, cfg, opts, "sites", "update", "-public", "open.example")
	require.NoError(t, err)
	require.Equal(t, "site open.example is now public: its statistics are answered without an API key\n", text)
	require.True(t, public())
	text, err = runAdminWith(t, cfg, opts, "sites", "update", "-public", "open.example")
	require.NoError(t, err)
	require.Equal(t, "site open.example is already public; nothing changed\n", text)
	text, err = runAdminWith(t, cfg, opts, "sites", "update", "-private", "open.example")
	require.NoError(t, err)
	require.Equal(t, "site open.example is now private: its statistics need an API key\n", text)
	require.False(t, public())
	require.Empty(t, rebuilt, "a public flag change rebuilds nothing")

	text, err = runAdminWith(t, cfg, opts, "sites", "update", "-time-zone", "Asia/Kolkata", "-public", "open.example")
	require.NoError(t, err)
	require.Equal(t, "site open.example is now in time zone Asia/Kolkata (was UTC)\n"+
		"site open.example is now public: its statistics are answered without an API key\n"+
		"rebuilt open.example\n", text)
	require.Equal(t, []string{"open.example"}, rebuilt)
	require.True(t, public())

	_, err = runAdminWith(t, cfg, opts, "sites", "update", "-time-zone", "Mars/Olympus_Mons", "-private", "open.example")
	require.ErrorIs(t, err, sites.ErrInvalidZone)
	require.True(t, public(), "nothing changed when the zone is refused")
	_, err = runAdmin(t, cfg, "sites", "update", "-private", "nobody.example")
	require.ErrorIs(t, err, sites.ErrNotFound)
	text, err = runAdmin(t, cfg, "sites", "list")
	require.NoError(t, err)
	require.Regexp(t, `^SITE_ID\s+TIME_ZONE\s+PUBLIC\s+CREATED_AT\s+ALLOWED_ORIGINS\nopen\.example\s+Asia/Kolkata\s+yes\s+\S+Z\s+\*\n$`, text)
}

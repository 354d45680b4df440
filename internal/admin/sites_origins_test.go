package admin_test

import (
	"encoding/json"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

func TestParseSitesUpdateAllowedOrigins(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		wantErr error
	}{
		{name: "list", args: []string{"sites", "update", "-allowed-origins", "https://a.example,https://b.example", "example.com"}},
		{name: "empty_is_any", args: []string{"sites", "update", "-allowed-origins", "", "example.com"}},
		{name: "with_public", args: []string{"sites", "update", "-allowed-origins", "https://a.example", "-public", "example.com"}},
		{name: "not_an_origin", args: []string{"sites", "update", "-allowed-origins", "https://a.example/path", "example.com"}, wantErr: sites.ErrInvalidOrigin},
		{name: "no_scheme", args: []string{"sites", "update", "-allowed-origins", "a.example", "example.com"}, wantErr: admin.ErrUsage},
		{name: "without_id", args: []string{"sites", "update", "-allowed-origins", "https://a.example"}, wantErr: admin.ErrUsage},
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

// TestSitesUpdateAllowedOrigins: -allowed-origins sets the list as browsers write origins, "" sets any
// origin again; show and list print it.
func TestSitesUpdateAllowedOrigins(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	_, err := runAdmin(t, cfg, "sites", "create", "shop.example")
	require.NoError(t, err)
	shown := func() sites.Site {
		text, err := runAdmin(t, cfg, "sites", "show", "shop.example")
		require.NoError(t, err)
		var site sites.Site
		require.NoError(t, json.Unmarshal([]byte(text), &site))
		return site
	}
	require.Equal(t, []string{}, shown().AllowedOrigins, "a new site takes any origin")
	text, err := runAdmin(t, cfg, "sites", "list")
	require.NoError(t, err)
	require.Regexp(t, `^SITE_ID\s+TIME_ZONE\s+PUBLIC\s+CREATED_AT\s+ALLOWED_ORIGINS\nshop\.example\s+UTC\s+no\s+\S+Z\s+\*\n$`, text)

	text, err = runAdmin(t, cfg, "sites", "update", "-allowed-origins", "https://WWW.Shop.example:443, http://localhost:8080,https://shop.example", "shop.example")
	require.NoError(t, err)
	require.Equal(t, "site shop.example now takes browsers' events only from http://localhost:8080, https://shop.example, https://www.shop.example\n", text)
	require.Equal(t, []string{"http://localhost:8080", "https://shop.example", "https://www.shop.example"}, shown().AllowedOrigins)
	text, err = runAdmin(t, cfg, "sites", "list")
	require.NoError(t, err)
	require.Regexp(t, `\S+Z\s+http://localhost:8080,https://shop\.example,https://www\.shop\.example\n$`, text)
	text, err = runAdmin(t, cfg, "sites", "update", "-allowed-origins", "https://shop.example,https://www.shop.example,http://localhost:8080", "shop.example")
	require.NoError(t, err)
	require.Equal(t, "site shop.example already takes browsers' events only from those origins; nothing changed\n", text)

	text, err = runAdmin(t, cfg, "sites", "update", "-allowed-origins", "", "shop.example")
	require.NoError(t, err)
	require.Equal(t, "site shop.example now takes events from any origin\n", text)
	require.Equal(t, []string{}, shown().AllowedOrigins)
	text, err = runAdmin(t, cfg, "sites", "update", "-allowed-origins", "", "shop.example")
	require.NoError(t, err)
	require.Equal(t, "site shop.example already takes events from any origin; nothing changed\n", text)

	_, err = runAdmin(t, cfg, "sites", "update", "-allowed-origins", "https://a.example", "nobody.example")
	require.ErrorIs(t, err, sites.ErrNotFound)
}

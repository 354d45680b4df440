package admin_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/sources"
)

func TestParseSources(t *testing.T) {
	t.Parallel()
	cases := []parseCase{
		{name: "create", args: []string{"sources", "create", "-site", "shop.example"}},
		{name: "create_with_name", args: []string{"sources", "create", "-site", "shop.example", "-name", "backend"}},
		{name: "list", args: []string{"sources", "list"}},
		{name: "list_json", args: []string{"sources", "list", "-json"}},
		{name: "revoke", args: []string{"sources", "revoke", "3"}},
		{name: "create_without_site", args: []string{"sources", "create"}, wantErr: admin.ErrUsage},
		{name: "create_extra_argument", args: []string{"sources", "create", "-site", "a", "b"}, wantErr: admin.ErrUsage},
		{name: "revoke_without_id", args: []string{"sources", "revoke"}, wantErr: admin.ErrUsage},
		{name: "revoke_zero", args: []string{"sources", "revoke", "0"}, wantErr: admin.ErrUsage},
	}
	requireParses(t, cases)
}

var createdSource = regexp.MustCompile(`^created source (\d+)( "[^"]*")? for site (\S+); its write key:\n(wk_[a-z2-7]{52})\n` +
	`keep it now: it is shown only this once \(Postgres keeps its SHA-256\)\n$`)

// TestSourcesCommands creates a source, checks its key against sources.Keys, lists it without its key,
// and revokes it.
func TestSourcesCommands(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	text, err := runAdmin(t, cfg, "sources", "list")
	require.NoError(t, err)
	require.Equal(t, "no source exists\n", text)

	text, err = runAdmin(t, cfg, "sources", "create", "-site", "shop.example", "-name", "backend")
	require.NoError(t, err)
	m := createdSource.FindStringSubmatch(text)
	require.NotNil(t, m, text)
	require.Equal(t, []string{"1", ` "backend"`, "shop.example"}, m[1:4])
	_, err = runAdmin(t, cfg, "sources", "create", "-site", strings.Repeat("x", 129))
	require.ErrorIs(t, err, sites.ErrInvalidID)

	pool, err := pgxpool.New(context.Background(), cfg.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	store := sources.NewStore(pool)
	site, err := sources.NewKeys(store, 0).Site(context.Background(), m[4])
	require.NoError(t, err)
	require.Equal(t, "shop.example", site)

	text, err = runAdmin(t, cfg, "sources", "list")
	require.NoError(t, err)
	require.Regexp(t, `^ID\s+NAME\s+SITE\s+CREATED_AT\s+REVOKED_AT\n1\s+backend\s+shop\.example\s+\S+Z\s+-\n$`, text)
	jsonText, err := runAdmin(t, cfg, "sources", "list", "-json")
	require.NoError(t, err)
	require.Contains(t, jsonText, `"site_id":"shop.example"`)
	require.NotContains(t, text+jsonText, m[4][len(sources.Prefix):], "list never prints a key")

	text, err = runAdmin(t, cfg, "sources", "revoke", "1")
	require.NoError(t, err)
	require.Contains(t, text, "revoked source 1")
	text, err = runAdmin(t, cfg, "sources", "revoke", "1")
	require.NoError(t, err)
	require.Contains(t, text, "already revoked")
	_, err = sources.NewKeys(store, 0).Site(context.Background(), m[4])
	require.ErrorIs(t, err, sources.ErrUnknownKey)
	_, err = runAdmin(t, cfg, "sources", "revoke", "9")
	require.ErrorIs(t, err, sources.ErrNotFound)
}

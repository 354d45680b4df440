package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/apikeys"
)

func TestParseKeys(t *testing.T) {
	t.Parallel()
	cases := []parseCase{
		{name: "create", args: []string{"keys", "create"}},
		{name: "create_for_site_with_name", args: []string{"keys", "create", "-site", "shop.example", "-name", "grafana"}},
		{name: "list", args: []string{"keys", "list"}},
		{name: "list_json", args: []string{"keys", "list", "-json"}},
		{name: "revoke", args: []string{"keys", "revoke", "3"}},
		{name: "create_extra_argument", args: []string{"keys", "create", "shop.example"}, wantErr: admin.ErrUsage},
		{name: "list_extra_argument", args: []string{"keys", "list", "all"}, wantErr: admin.ErrUsage},
		{name: "revoke_without_id", args: []string{"keys", "revoke"}, wantErr: admin.ErrUsage},
		{name: "revoke_word", args: []string{"keys", "revoke", "grafana"}, wantErr: admin.ErrUsage},
		{name: "revoke_zero", args: []string{"keys", "revoke", "0"}, wantErr: admin.ErrUsage},
		{name: "unknown", args: []string{"keys", "show", "3"}, wantErr: admin.ErrUsage},
	}
	requireParses(t, cases)
}

var createdKey = regexp.MustCompile(`^created key (\d+)( "[^"]*")? for (every site|site \S+)\n(apk_[a-z2-7]{52})\n` +
	`keep it now: it is shown only this once \(Postgres keeps its SHA-256\)\n$`)

// TestKeysCommands creates keys, lists them without ever printing one, checks a created key against the
// guard, and revokes it.
func TestKeysCommands(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	text, err := runAdmin(t, cfg, "keys", "list")
	require.NoError(t, err)
	require.Equal(t, "no API key exists\n", text)
	_, err = runAdmin(t, cfg, "sites", "create", "shop.example")
	require.NoError(t, err)

	text, err = runAdmin(t, cfg, "keys", "create", "-name", "grafana")
	require.NoError(t, err)
	all := createdKey.FindStringSubmatch(text)
	require.NotNil(t, all, text)
	require.Equal(t, []string{"1", ` "grafana"`, "every site"}, all[1:4])
	text, err = runAdmin(t, cfg, "keys", "create", "-site", "shop.example")
	require.NoError(t, err)
	shop := createdKey.FindStringSubmatch(text)
	require.NotNil(t, shop, text)
	require.Equal(t, []string{"2", "", "site shop.example"}, shop[1:4])
	_, err = runAdmin(t, cfg, "keys", "create", "-site", "shop.exmaple")
	require.ErrorIs(t, err, apikeys.ErrUnknownSite)

	text, err = runAdmin(t, cfg, "keys", "list")
	require.NoError(t, err)
	require.Regexp(t, `^ID\s+NAME\s+SITE\s+CREATED_AT\s+REVOKED_AT\n1\s+grafana\s+\*\s+\S+Z\s+-\n2\s+shop\.example\s+\S+Z\s+-\n$`, text)
	jsonText, err := runAdmin(t, cfg, "keys", "list", "-json")
	require.NoError(t, err)
	for _, secret := range []string{all[4], shop[4]} {
		require.NotContains(t, text+jsonText, secret[len(apikeys.Prefix):], "list never prints a key")
	}
	var listed []apikeys.Key
	decoder := json.NewDecoder(bytes.NewBufferString(jsonText))
	for decoder.More() {
		var k apikeys.Key
		require.NoError(t, decoder.Decode(&k))
		listed = append(listed, k)
	}
	require.Len(t, listed, 2)
	require.Nil(t, listed[0].SiteID)
	require.Equal(t, "shop.example", *listed[1].SiteID)

	pool, err := pgxpool.New(context.Background(), cfg.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	guard := apikeys.NewGuard(apikeys.NewStore(pool), apikeys.Config{CacheTTL: time.Nanosecond})
	t.Cleanup(guard.Close)
	require.NoError(t, guard.Check(context.Background(), "Bearer "+shop[4], "shop.example"), "the printed key is the one stored")

	text, err = runAdmin(t, cfg, "keys", "revoke", "2")
	require.NoError(t, err)
	require.Equal(t, "revoked key 2: every reporting replica refuses it within its API_KEY_CACHE_TTL (default 5s)\n", text)
	require.ErrorIs(t, guard.Check(context.Background(), "Bearer "+shop[4], "shop.example"), apikeys.ErrUnauthorized)
	text, err = runAdmin(t, cfg, "keys", "revoke", "2")
	require.NoError(t, err)
	require.Regexp(t, `^key 2 was already revoked at \S+Z; nothing changed\n$`, text)
	_, err = runAdmin(t, cfg, "keys", "revoke", "9")
	require.ErrorIs(t, err, apikeys.ErrKeyNotFound)
	text, err = runAdmin(t, cfg, "keys", "list")
	require.NoError(t, err)
	require.Regexp(t, `\n2\s+shop\.example\s+\S+Z\s+\S+Z\n$`, text, "a revoked key is still listed, with its revocation time")
	require.Equal(t, 3, strings.Count(text, "\n"))
}

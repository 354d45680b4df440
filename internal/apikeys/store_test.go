package apikeys_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/apikeys"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

func TestStoreCreatesListsLooksUpAndRevokesKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newDatabase(t)
	store := apikeys.NewStore(pool)

	all, allSecret, err := store.Create(ctx, "grafana", "")
	require.NoError(t, err)
	require.Nil(t, all.SiteID, "a key for every site")
	require.Equal(t, "grafana", all.Name)
	require.WithinDuration(t, time.Now(), all.CreatedAt, time.Minute)
	one, oneSecret, err := store.Create(ctx, "", blog)
	require.NoError(t, err)
	require.Equal(t, blog, *one.SiteID, "a site that only sent events can have a key")
	require.NotEqual(t, allSecret, oneSecret)

	var stored int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM api_keys WHERE key_hash = $1 OR key_hash = $2`,
		apikeys.Hash(allSecret), apikeys.Hash(oneSecret)).Scan(&stored))
	require.Equal(t, 2, stored, "Postgres keeps the hashes")
	var leaked bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT bool_or(strpos(t::text, $1) > 0 OR strpos(t::text, $2) > 0) FROM api_keys AS t`,
		allSecret[4:], oneSecret[4:]).Scan(&leaked))
	require.False(t, leaked, "and never the keys")

	found, err := store.Lookup(ctx, oneSecret)
	require.NoError(t, err)
	require.Equal(t, one, found)
	_, err = store.Lookup(ctx, "apk_"+allSecret[5:]+"a")
	require.ErrorIs(t, err, apikeys.ErrKeyNotFound)

	list, err := store.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []apikeys.Key{all, one}, list)

	revoked, changed, err := store.Revoke(ctx, all.ID)
	require.NoError(t, err)
	require.True(t, changed)
	require.NotNil(t, revoked.RevokedAt)
	again, changed, err := store.Revoke(ctx, all.ID)
	require.NoError(t, err)
	require.False(t, changed, "revoking twice changes nothing")
	require.Equal(t, revoked.RevokedAt, again.RevokedAt)
	found, err = store.Lookup(ctx, allSecret)
	require.NoError(t, err)
	require.Equal(t, revoked, found, "a revoked key is found, marked revoked")
	_, _, err = store.Revoke(ctx, 999)
	require.ErrorIs(t, err, apikeys.ErrKeyNotFound)
}

func TestStoreRefusesAKeyForASiteThatDoesNotExist(t *testing.T) {
	t.Parallel()
	store := apikeys.NewStore(newDatabase(t))
	_, _, err := store.Create(context.Background(), "typo", "shop.exmaple")
	require.ErrorIs(t, err, apikeys.ErrUnknownSite)
	_, _, err = store.Create(context.Background(), "", "a\x00b")
	require.ErrorIs(t, err, sites.ErrInvalidID)
	list, err := store.List(context.Background())
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestStoreTellsWhichSitesExistAndWhichArePublic(t *testing.T) {
	t.Parallel()
	store := apikeys.NewStore(newDatabase(t))
	cases := []struct {
		name string
		site string
		want apikeys.Site
	}{
		{name: "registered", site: shop, want: apikeys.Site{Exists: true}},
		{name: "counted_not_registered", site: blog, want: apikeys.Site{Exists: true}},
		{name: "public", site: public, want: apikeys.Site{Exists: true, Public: true}},
		{name: "unknown", site: nobody, want: apikeys.Site{}},
		{name: "not_a_site_id", site: "\xff", want: apikeys.Site{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := store.Site(context.Background(), tc.site)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

package sources_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/sources"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

func TestStoreCreatesListsAndRevokes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)
	store := sources.NewStore(pool)

	src, key, err := store.Create(ctx, "shop.example", "web")
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`^wk_[a-z2-7]{52}$`), key)
	require.Equal(t, "shop.example", src.SiteID)
	require.Equal(t, "web", src.Name)
	var stored int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM sources WHERE key_hash = sha256(convert_to($1, 'UTF8'))`, key).Scan(&stored))
	require.Equal(t, 1, stored, "only the key's SHA-256 is kept")

	found, err := store.Lookup(ctx, key)
	require.NoError(t, err)
	require.Equal(t, src.ID, found.ID)
	_, err = store.Lookup(ctx, key+"x")
	require.ErrorIs(t, err, sources.ErrUnknownKey)

	_, _, err = store.Create(ctx, "", "none")
	require.ErrorIs(t, err, sites.ErrInvalidID)

	revoked, changed, err := store.Revoke(ctx, src.ID)
	require.NoError(t, err)
	require.True(t, changed)
	require.NotNil(t, revoked.RevokedAt)
	_, changed, err = store.Revoke(ctx, src.ID)
	require.NoError(t, err)
	require.False(t, changed)
	_, _, err = store.Revoke(ctx, src.ID+100)
	require.ErrorIs(t, err, sources.ErrNotFound)

	list, err := store.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.WithinDuration(t, time.Now(), list[0].CreatedAt, time.Minute)
}

func TestKeysCacheAndRevocationWithinTheTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := sources.NewStore(testenv.Database(t))
	src, key, err := store.Create(ctx, "shop.example", "")
	require.NoError(t, err)
	keys := sources.NewKeys(store, time.Second)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	keys.SetClock(func() time.Time { return at })

	site, err := keys.Site(ctx, key)
	require.NoError(t, err)
	require.Equal(t, "shop.example", site)
	_, err = keys.Site(ctx, "wk_nonsense")
	require.ErrorIs(t, err, sources.ErrUnknownKey)

	_, _, err = store.Revoke(ctx, src.ID)
	require.NoError(t, err)
	site, err = keys.Site(ctx, key)
	require.NoError(t, err, "the cached answer serves until the TTL")
	require.Equal(t, "shop.example", site)
	at = at.Add(time.Second)
	_, err = keys.Site(ctx, key)
	require.ErrorIs(t, err, sources.ErrUnknownKey, "revoked once the TTL is over")
}

package apikeys_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/apikeys"
)

// newGuard returns a guard on a fresh database holding the test sites, its store, and a key for every
// site and one for shop only.
func newGuard(t *testing.T, cfg apikeys.Config) (guard *apikeys.Guard, store *apikeys.Store, all, shopOnly string) {
	t.Helper()
	store = apikeys.NewStore(newDatabase(t))
	_, all, err := store.Create(context.Background(), "all", "")
	require.NoError(t, err)
	_, shopOnly, err = store.Create(context.Background(), "shop", shop)
	require.NoError(t, err)
	guard = apikeys.NewGuard(store, cfg)
	t.Cleanup(guard.Close)
	return guard, store, all, shopOnly
}

func TestGuardAllowsKeysWithAccessAndPublicSites(t *testing.T) {
	t.Parallel()
	guard, store, all, shopOnly := newGuard(t, apikeys.Config{})
	_, revoked, err := store.Create(context.Background(), "old", "")
	require.NoError(t, err)
	_, _, err = store.Revoke(context.Background(), 3)
	require.NoError(t, err)

	cases := []struct {
		name          string
		authorization string
		site          string
		want          error // nil: allowed
	}{
		{name: "all_sites_key_registered_site", authorization: "Bearer " + all, site: shop},
		{name: "all_sites_key_counted_site", authorization: "Bearer " + all, site: blog},
		{name: "site_key_its_site", authorization: "Bearer " + shopOnly, site: shop},
		{name: "scheme_in_lower_case", authorization: "bearer " + shopOnly, site: shop},
		{name: "public_site_without_key", authorization: "", site: public},
		{name: "public_site_with_a_wrong_key", authorization: "Bearer apk_wrong", site: public},
		{name: "public_site_with_another_sites_key", authorization: "Bearer " + shopOnly, site: public},
		{name: "missing_key", authorization: "", site: shop, want: apikeys.ErrMissingKey},
		{name: "missing_key_unknown_site", authorization: "", site: nobody, want: apikeys.ErrMissingKey},
		{name: "empty_bearer", authorization: "Bearer ", site: shop, want: apikeys.ErrMissingKey},
		{name: "basic_scheme", authorization: "Basic " + all, site: shop, want: apikeys.ErrMissingKey},
		{name: "wrong_key", authorization: "Bearer apk_" + all[5:] + "a", site: shop, want: apikeys.ErrUnauthorized},
		{name: "not_a_key", authorization: "Bearer hello", site: shop, want: apikeys.ErrUnauthorized},
		{name: "revoked_key", authorization: "Bearer " + revoked, site: shop, want: apikeys.ErrUnauthorized},
		{name: "site_key_other_site", authorization: "Bearer " + shopOnly, site: blog, want: apikeys.ErrUnauthorized},
		{name: "site_key_unknown_site", authorization: "Bearer " + shopOnly, site: nobody, want: apikeys.ErrUnauthorized},
		{name: "all_sites_key_unknown_site", authorization: "Bearer " + all, site: nobody, want: apikeys.ErrUnauthorized},
		{name: "all_sites_key_no_site_id", authorization: "Bearer " + all, site: "", want: apikeys.ErrUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := guard.Check(context.Background(), tc.authorization, tc.site)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.ErrorIs(t, err, apikeys.ErrUnauthorized, "every refusal of a key matches ErrUnauthorized")
			if tc.want != apikeys.ErrMissingKey {
				require.NotErrorIs(t, err, apikeys.ErrMissingKey)
			}
		})
	}
}

// TestGuardCannotBeUsedToProbeSites: a key without access to a site is answered exactly as for a site
// that does not exist, byte for byte.
func TestGuardCannotBeUsedToProbeSites(t *testing.T) {
	t.Parallel()
	guard, _, _, shopOnly := newGuard(t, apikeys.Config{})
	answer := func(site string) (int, string, string) {
		rec := httptest.NewRecorder()
		require.True(t, apikeys.WriteDenial(rec, guard.Check(context.Background(), "Bearer "+shopOnly, site)))
		return rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()
	}
	code, contentType, body := answer(nobody)
	require.Equal(t, 401, code)
	for _, site := range []string{blog, "Shop.example", shop + " "} {
		c, ct, b := answer(site)
		require.Equal(t, [3]any{code, contentType, body}, [3]any{c, ct, b}, site)
	}
}

// TestGuardLimitsRequestsPerKey spends a key's hourly budget: the next request is refused with the wait
// for one request's refill (an hour divided by the budget); other keys and public sites are not touched,
// and requests for a site the key cannot read count, so that probing is limited too.
func TestGuardLimitsRequestsPerKey(t *testing.T) {
	t.Parallel()
	guard, _, all, shopOnly := newGuard(t, apikeys.Config{HourlyRequests: 4})
	for range 3 {
		require.NoError(t, guard.Check(context.Background(), "Bearer "+shopOnly, shop))
	}
	require.ErrorIs(t, guard.Check(context.Background(), "Bearer "+shopOnly, nobody), apikeys.ErrUnauthorized)
	err := guard.Check(context.Background(), "Bearer "+shopOnly, shop)
	var limited *apikeys.RateLimitedError
	require.ErrorAs(t, err, &limited)
	require.NotErrorIs(t, err, apikeys.ErrUnauthorized)
	require.Equal(t, 4, limited.Limit)
	require.InDelta(t, (15 * time.Minute).Seconds(), limited.RetryAfter.Seconds(), 60, "one request comes back every 15 minutes")

	require.NoError(t, guard.Check(context.Background(), "Bearer "+all, shop), "another key has its own budget")
	for range 10 {
		require.NoError(t, guard.Check(context.Background(), "", public), "a public site needs no key and no budget")
	}
}

// TestGuardForgetsARevokedKeyWithinTheCacheTTL: the guard caches what it read of a key for
// Config.CacheTTL; once that has passed since the revocation, the key is refused.
func TestGuardForgetsARevokedKeyWithinTheCacheTTL(t *testing.T) {
	t.Parallel()
	guard, store, all, _ := newGuard(t, apikeys.Config{CacheTTL: time.Minute})
	now := time.Now()
	guard.SetClock(func() time.Time { return now })
	require.NoError(t, guard.Check(context.Background(), "Bearer "+all, shop))
	_, _, err := store.Revoke(context.Background(), 1)
	require.NoError(t, err)
	now = now.Add(time.Minute - time.Second)
	require.NoError(t, guard.Check(context.Background(), "Bearer "+all, shop), "answered from the cache, without reading Postgres")
	now = now.Add(time.Second)
	require.ErrorIs(t, guard.Check(context.Background(), "Bearer "+all, shop), apikeys.ErrUnauthorized)
}

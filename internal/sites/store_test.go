package sites_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

func TestStoreCreatesListsAndUpdatesSites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := sites.NewStore(testenv.Database(t))

	ny, err := store.Create(ctx, "ny.example", "America/New_York")
	require.NoError(t, err)
	require.Equal(t, "America/New_York", ny.TimeZone)
	require.WithinDuration(t, time.Now(), ny.CreatedAt, time.Minute)
	plain, err := store.Create(ctx, "plain.example", "")
	require.NoError(t, err)
	require.Equal(t, "UTC", plain.TimeZone, "a site created without a zone is in UTC")

	_, err = store.Create(ctx, "ny.example", "UTC")
	require.ErrorIs(t, err, sites.ErrExists)

	got, err := store.Get(ctx, "ny.example")
	require.NoError(t, err)
	require.Equal(t, ny, got)
	_, err = store.Get(ctx, "nobody.example")
	require.ErrorIs(t, err, sites.ErrNotFound)

	updated, err := store.SetTimeZone(ctx, "plain.example", "Asia/Kolkata")
	require.NoError(t, err)
	require.Equal(t, "Asia/Kolkata", updated.TimeZone)
	require.Equal(t, plain.CreatedAt, updated.CreatedAt)
	_, err = store.SetTimeZone(ctx, "nobody.example", "UTC")
	require.ErrorIs(t, err, sites.ErrNotFound)

	list, err := store.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []sites.Site{ny, updated}, list)
}

func TestStoreRefusesWhatIsNoZoneOrNoSiteID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := sites.NewStore(testenv.Database(t))
	// Go reads the system's zoneinfo here too, which holds the leap-second "right/" zones that Postgres
	// does not list: only the check against pg_timezone_names refuses them.
	_, err := time.LoadLocation("right/Europe/Paris")
	require.NoError(t, err, "this test needs a system zoneinfo with right/ zones (Debian's tzdata)")

	zones := map[string]string{
		"unknown":             "Mars/Olympus_Mons",
		"local":               "Local",
		"localtime":           "localtime",
		"wrong_case":          "america/new_york",
		"offset":              "+05:30",
		"unknown_to_postgres": "right/Europe/Paris",
	}
	for name, zone := range zones {
		t.Run(name, func(t *testing.T) {
			_, err := store.Create(ctx, "site-"+name, zone)
			require.ErrorIs(t, err, sites.ErrInvalidZone)
			_, err = store.Get(ctx, "site-"+name)
			require.ErrorIs(t, err, sites.ErrNotFound, "nothing created")
		})
	}
	_, err = store.Create(ctx, "kept", "UTC")
	require.NoError(t, err)
	_, err = store.SetTimeZone(ctx, "kept", "right/Europe/Paris")
	require.ErrorIs(t, err, sites.ErrInvalidZone)
	require.ErrorContains(t, err, "Postgres")

	for name, id := range map[string]string{"empty": "", "nul": "a\x00b", "too_long": strings.Repeat("é", 129), "bad_utf8": "\xff"} {
		t.Run(name, func(t *testing.T) {
			_, err := store.Create(ctx, id, "UTC")
			require.ErrorIs(t, err, sites.ErrInvalidID)
		})
	}
}

func TestStoreMakesSitesPublicAndPrivate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := sites.NewStore(testenv.Database(t))
	created, err := store.Create(ctx, "open.example", "Asia/Kolkata")
	require.NoError(t, err)
	require.False(t, created.Public, "a site is created private")

	site, changed, err := store.SetPublic(ctx, "open.example", true)
	require.NoError(t, err)
	require.True(t, changed)
	require.Equal(t, sites.Site{ID: "open.example", TimeZone: "Asia/Kolkata", Public: true, CreatedAt: created.CreatedAt, AllowedOrigins: []string{}}, site)
	_, changed, err = store.SetPublic(ctx, "open.example", true)
	require.NoError(t, err)
	require.False(t, changed, "already public")
	got, err := store.Get(ctx, "open.example")
	require.NoError(t, err)
	require.Equal(t, site, got)

	site, changed, err = store.SetPublic(ctx, "open.example", false)
	require.NoError(t, err)
	require.True(t, changed)
	require.False(t, site.Public)
	_, _, err = store.SetPublic(ctx, "nobody.example", true)
	require.ErrorIs(t, err, sites.ErrNotFound)
}

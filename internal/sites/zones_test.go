package sites_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

func TestZonesFollowTheSitesTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)
	store := sites.NewStore(pool)
	_, err := store.Create(ctx, "in.example", "Asia/Kolkata")
	require.NoError(t, err)
	zones := sites.NewZones(pool, slog.New(slog.DiscardHandler))
	require.False(t, zones.Loaded())

	loc, err := zones.Get(ctx, "in.example")
	require.NoError(t, err, "loaded on first use")
	require.Equal(t, "Asia/Kolkata", loc.String())
	loc, err = zones.Get(ctx, "nobody.example")
	require.NoError(t, err)
	require.Equal(t, time.UTC, loc, "a site nobody registered is in UTC")

	_, err = store.SetTimeZone(ctx, "in.example", "America/New_York")
	require.NoError(t, err)
	loc, err = zones.Get(ctx, "in.example")
	require.NoError(t, err)
	require.Equal(t, "Asia/Kolkata", loc.String(), "the cache serves until the next refresh")
	require.NoError(t, zones.Refresh(ctx))
	loc, err = zones.Get(ctx, "in.example")
	require.NoError(t, err)
	require.Equal(t, "America/New_York", loc.String())

	pool.Close()
	require.Error(t, zones.Refresh(ctx))
	loc, err = zones.Get(ctx, "in.example")
	require.NoError(t, err, "the zones last read serve while Postgres is unreachable")
	require.Equal(t, "America/New_York", loc.String())
}

func TestZonesFailUntilLoadedOnce(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	pool.Close()
	zones := sites.NewZones(pool, slog.New(slog.DiscardHandler))
	_, err := zones.Get(context.Background(), "nobody.example")
	require.Error(t, err, "before any load not even an unregistered site is known to be in UTC")
}

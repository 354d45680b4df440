package apikeys_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
)

// Sites of the tests' databases: shop is registered, blog only sent events (counted in UTC), public was
// registered and made public, nobody neither exists nor ever sent an event.
const (
	shop   = "shop.example"
	blog   = "blog.example"
	public = "public.example"
	nobody = "nobody.example"
)

// newDatabase returns a fresh, migrated database holding the sites above.
func newDatabase(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool := testenv.Database(t)
	store := sites.NewStore(pool)
	for _, id := range []string{shop, public} {
		_, err := store.Create(ctx, id, "")
		require.NoError(t, err)
	}
	_, _, err := store.SetPublic(ctx, public, true)
	require.NoError(t, err)
	at := time.Date(2025, 11, 12, 10, 0, 0, 0, time.UTC)
	_, err = projections.Apply(ctx, pool, []event.Event{{EventID: "e1", SiteID: blog, EventType: event.PageView, Path: "/", Timestamp: at}})
	require.NoError(t, err)
	return pool
}

package reporting

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/projections"
)

// PathViews is one entry of a day's top paths.
type PathViews = projections.PathViews

// DayStats is what one site saw on one of its local days.
type DayStats = projections.DayStats

// Store reads the projections.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

// Stats returns the site's figures for its local day, all from one snapshot (projections.Stats); a day
// without events gives zeros and no paths.
func (s *Store) Stats(ctx context.Context, siteID string, day time.Time) (DayStats, error) {
	return projections.Stats(ctx, s.pool, siteID, day)
}

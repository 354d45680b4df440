package reporting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// topPathsLimit is how many paths /stats lists.
const topPathsLimit = 10

// PathViews is one entry of a day's top paths.
type PathViews struct {
	Path  string
	Views int64
}

// DayStats is what one site saw on one UTC day.
type DayStats struct {
	TotalViews  int64
	UniqueUsers int64
	TopPaths    []PathViews
}

// Store reads the projections.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

const (
	aggregateSQL = `SELECT total_views, unique_users FROM daily_aggregates WHERE site_id = $1 AND day = $2`
	topPathsSQL  = `SELECT path, views FROM daily_path_views WHERE site_id = $1 AND day = $2
                    ORDER BY views DESC, path COLLATE "C" ASC LIMIT $3`
)

// Stats returns the site's figures for day; a day without events gives zeros and no paths.
func (s *Store) Stats(ctx context.Context, siteID string, day time.Time) (DayStats, error) {
	batch := &pgx.Batch{}
	var stats DayStats
	batch.Queue(aggregateSQL, siteID, day).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&stats.TotalViews, &stats.UniqueUsers)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	batch.Queue(topPathsSQL, siteID, day, topPathsLimit).Query(func(rows pgx.Rows) error {
		paths, err := pgx.CollectRows(rows, pgx.RowToStructByPos[PathViews])
		stats.TopPaths = paths
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return DayStats{}, fmt.Errorf("stats for %s on %s: %w", siteID, day.Format(time.DateOnly), err)
	}
	return stats, nil
}

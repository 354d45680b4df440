package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// TopPathsLimit is how many paths a DayStats lists.
const TopPathsLimit = 10

// PathViews is one entry of a day's top paths.
type PathViews struct {
	Path  string
	Views int64
}

// DayStats is what one site saw on one of its local days: the seed's /stats.
type DayStats struct {
	TotalViews  int64
	UniqueUsers int64
	TopPaths    []PathViews
}

// Querier runs a query: a *pgxpool.Pool, *pgx.Conn or pgx.Tx.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// statsSQL reads a site-day's totals and top paths in one statement, and so from one snapshot: Apply
// advances daily_aggregates and daily_path_views in one transaction, and an answer put together from two
// statements could show a total from before a commit beside paths from after it. It returns one row per
// top path, each carrying the totals, or a single row without a path; totals are NULL for a day without
// events. Ties go by path in byte order (daily_path_views_top_idx serves the order).
const statsSQL = `
SELECT a.total_views, a.unique_users, p.path, p.views
FROM (VALUES ($1::text, $2::date)) AS k (site_id, day)
LEFT JOIN daily_aggregates a ON a.site_id = k.site_id AND a.day = k.day
LEFT JOIN LATERAL (
    SELECT path, views FROM daily_path_views
    WHERE site_id = k.site_id AND day = k.day
    ORDER BY views DESC, path COLLATE "C" ASC LIMIT $3
) p ON true
ORDER BY p.views DESC, p.path COLLATE "C" ASC`

// Stats returns the site's figures for its local day (only the date of day counts), all from one
// snapshot; a day without events gives zeros and no paths.
func Stats(ctx context.Context, db Querier, siteID string, day time.Time) (DayStats, error) {
	date := day.Format(time.DateOnly)
	rows, err := db.Query(ctx, statsSQL, siteID, day, TopPathsLimit)
	if err != nil {
		return DayStats{}, fmt.Errorf("stats for %s on %s: %w", siteID, date, err)
	}
	stats := DayStats{TopPaths: []PathViews{}}
	var totalViews, uniqueUsers, views *int64
	var path *string
	_, err = pgx.ForEachRow(rows, []any{&totalViews, &uniqueUsers, &path, &views}, func() error {
		if totalViews != nil {
			stats.TotalViews, stats.UniqueUsers = *totalViews, *uniqueUsers
		}
		if path != nil {
			stats.TopPaths = append(stats.TopPaths, PathViews{Path: *path, Views: *views})
		}
		return nil
	})
	if err != nil {
		return DayStats{}, fmt.Errorf("stats for %s on %s: %w", siteID, date, err)
	}
	return stats, nil
}

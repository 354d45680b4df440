package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// RebuildOptions chooses what Rebuild recomputes.
type RebuildOptions struct {
	// SiteID is the one site to rebuild; empty rebuilds every site that has raw events or projections.
	SiteID string
	// From and To are the first and last local days (the site's calendar dates; only the date counts) to
	// rebuild; zero is unbounded.
	From, To time.Time
	// Progress, when set, is called after each site.
	Progress func(Progress)
}

// Progress reports one rebuilt site.
type Progress struct {
	SiteID      string
	Done, Sites int   // sites rebuilt so far, of how many
	Events      int64 // raw events counted in the site's rebuilt days
	// KeptFrom is not zero when raw events before it may have expired (RAW_EVENTS_RETENTION): the site's
	// days before KeptFrom (a local date) that the range asked for were left as they were.
	KeptFrom time.Time
}

// rebuildRetries is how often a site is tried again when retention expired raw events of its range while
// it was rebuilt (SQLSTATE 40001 from rebuild_projections).
const rebuildRetries = 3

// sitesSQL lists every site that has raw events, projections or a registration.
const sitesSQL = `
SELECT site_id FROM (SELECT DISTINCT site_id FROM events UNION SELECT site_id FROM daily_aggregates
                     UNION SELECT site_id FROM sites) AS s
ORDER BY site_id COLLATE "C"`

// rebuildSQL recomputes one site's projections in the range (migrations/00009, rebuild_projections).
const rebuildSQL = `SELECT kept_from, counted FROM rebuild_projections($1, $2, $3)`

// Rebuild recomputes every projection of the chosen sites and days from the raw events, with set-based
// SQL that shares nothing with Apply. Each site is rebuilt in one transaction under its write stripe
// (LockNamespace), taken exclusively once the batches holding it shared have committed: writes of other
// sites go on, a batch holding an event of the site waits for the commit, and readers see the site's new
// figures at once, at
// commit. Days whose raw events may have expired are left alone (Progress.KeptFrom). A visit
// belongs to the day it starts: the visits starting in the range are recomputed from all their events,
// also those after To.
func Rebuild(ctx context.Context, pool *pgxpool.Pool, opts RebuildOptions) error {
	sites := []string{opts.SiteID}
	if opts.SiteID == "" {
		rows, err := pool.Query(ctx, sitesSQL)
		if err != nil {
			return fmt.Errorf("rebuild: list sites: %w", err)
		}
		if sites, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return fmt.Errorf("rebuild: list sites: %w", err)
		}
	}
	for i, site := range sites {
		p, err := rebuildSite(ctx, pool, site, dateOrNil(opts.From), dateOrNil(opts.To))
		if err != nil {
			return fmt.Errorf("rebuild site %q: %w", site, err)
		}
		p.Done, p.Sites = i+1, len(sites)
		if opts.Progress != nil {
			opts.Progress(p)
		}
	}
	return nil
}

func rebuildSite(ctx context.Context, pool *pgxpool.Pool, site string, from, to any) (Progress, error) {
	for attempt := 1; ; attempt++ {
		p := Progress{SiteID: site}
		var kept *time.Time
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, lockSQL, LockNamespace, []string{site}); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
			return tx.QueryRow(ctx, rebuildSQL, site, from, to).Scan(&kept, &p.Events)
		})
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "40001" && attempt < rebuildRetries {
			continue
		}
		if err != nil {
			return p, err
		}
		if kept != nil {
			p.KeptFrom = *kept
		}
		return p, nil
	}
}

// dateOrNil is t's date for a date parameter, or nil (unbounded) for the zero time.
func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

package sites

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store reads and writes the sites table.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns the store of pool's sites table.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

// siteColumns are the columns of Site, in its order; allowed_origins NULL (any origin) reads as empty.
const siteColumns = `site_id, time_zone, public, created_at, coalesce(allowed_origins, '{}')`

// knownZone is true when Postgres knows the zone $2 by that exact name: the projections compute local
// dates with AT TIME ZONE in SQL, so Go and Postgres must both know it.
const knownZone = `EXISTS (SELECT FROM pg_timezone_names WHERE name = $2)`

// Create registers site id with zone (DefaultTimeZone when empty). Errors match ErrInvalidID,
// ErrInvalidZone or ErrExists.
func (s *Store) Create(ctx context.Context, id, zone string) (Site, error) {
	if zone == "" {
		zone = DefaultTimeZone
	}
	if err := CheckID(id); err != nil {
		return Site{}, err
	}
	if _, err := LoadZone(zone); err != nil {
		return Site{}, err
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO sites (site_id, time_zone) SELECT $1, $2 WHERE `+knownZone+`
		RETURNING `+siteColumns, id, zone)
	site, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Site])
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "23505": // unique_violation
		return Site{}, fmt.Errorf("%w: %q", ErrExists, id)
	case errors.Is(err, pgx.ErrNoRows):
		return Site{}, unknownToPostgres(zone)
	case err != nil:
		return Site{}, fmt.Errorf("create site: %w", err)
	}
	return site, nil
}

// SetTimeZone changes the zone of site id and commits it; the site's projections still count days in
// the old zone until they are rebuilt. Errors match ErrInvalidZone or ErrNotFound.
func (s *Store) SetTimeZone(ctx context.Context, id, zone string) (Site, error) {
	if _, err := LoadZone(zone); err != nil {
		return Site{}, err
	}
	var known bool
	if err := s.pool.QueryRow(ctx, `SELECT $1::text IS NOT NULL AND `+knownZone, id, zone).Scan(&known); err != nil {
		return Site{}, fmt.Errorf("check time zone: %w", err)
	}
	if !known {
		return Site{}, unknownToPostgres(zone)
	}
	rows, _ := s.pool.Query(ctx, `UPDATE sites SET time_zone = $2 WHERE site_id = $1
		RETURNING `+siteColumns, id, zone)
	site, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Site])
	if errors.Is(err, pgx.ErrNoRows) {
		return Site{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return Site{}, fmt.Errorf("update site: %w", err)
	}
	return site, nil
}

// SetPublic makes site id public (its statistics are answered without an API key) or private, and
// returns it; changed is false when it already was. The error matches ErrNotFound.
func (s *Store) SetPublic(ctx context.Context, id string, public bool) (site Site, changed bool, err error) {
	rows, _ := s.pool.Query(ctx, `UPDATE sites AS s SET public = $2 FROM sites AS old
		WHERE s.site_id = $1 AND old.site_id = s.site_id
		RETURNING s.site_id, s.time_zone, s.public, s.created_at, coalesce(s.allowed_origins, '{}'), old.public <> $2`, id, public)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[struct {
		Site
		Changed bool
	}])
	if errors.Is(err, pgx.ErrNoRows) {
		return Site{}, false, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return Site{}, false, fmt.Errorf("update site: %w", err)
	}
	return row.Site, row.Changed, nil
}

// SetAllowedOrigins sets the origins whose browsers may send site id's events (ParseOrigins; nil or
// empty: any origin) and returns the site. The error matches ErrNotFound.
func (s *Store) SetAllowedOrigins(ctx context.Context, id string, origins []string) (Site, error) {
	if len(origins) == 0 {
		origins = nil // stored as NULL
	}
	rows, _ := s.pool.Query(ctx, `UPDATE sites SET allowed_origins = $2 WHERE site_id = $1 RETURNING `+siteColumns, id, origins)
	site, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Site])
	if errors.Is(err, pgx.ErrNoRows) {
		return Site{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return Site{}, fmt.Errorf("update site: %w", err)
	}
	return site, nil
}

// Get returns site id; the error matches ErrNotFound when nobody registered it.
func (s *Store) Get(ctx context.Context, id string) (Site, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+siteColumns+` FROM sites WHERE site_id = $1`, id)
	site, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Site])
	if errors.Is(err, pgx.ErrNoRows) {
		return Site{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return Site{}, fmt.Errorf("get site: %w", err)
	}
	return site, nil
}

// List returns every registered site, by id.
func (s *Store) List(ctx context.Context) ([]Site, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+siteColumns+` FROM sites ORDER BY site_id`)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Site])
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return list, nil
}

func unknownToPostgres(zone string) error {
	return fmt.Errorf("%w: %q is unknown to Postgres (pg_timezone_names)", ErrInvalidZone, zone)
}

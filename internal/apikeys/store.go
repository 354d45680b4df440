package apikeys

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/sites"
)

// Store reads and writes the api_keys table, and tells which sites exist.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns the store of pool's api_keys table.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

const keyColumns = `id, name, site_id, created_at, revoked_at`

// Create makes a key named name for site siteID ("" for every site) and stores its hash; it returns the
// key, shown this once, beside what is stored. The site must exist (Site): errors match ErrUnknownSite,
// or sites.ErrInvalidID for what cannot be a site id.
func (s *Store) Create(ctx context.Context, name, siteID string) (Key, string, error) {
	var site *string
	if siteID != "" {
		if err := sites.CheckID(siteID); err != nil {
			return Key{}, "", err
		}
		found, err := s.Site(ctx, siteID)
		if err != nil {
			return Key{}, "", err
		}
		if !found.Exists {
			return Key{}, "", fmt.Errorf("%w: %q", ErrUnknownSite, siteID)
		}
		site = &siteID
	}
	secret, err := Generate()
	if err != nil {
		return Key{}, "", err
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO api_keys (name, site_id, key_hash) VALUES ($1, $2, $3) RETURNING `+keyColumns,
		name, site, Hash(secret))
	key, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Key])
	if err != nil {
		return Key{}, "", fmt.Errorf("create key: %w", err)
	}
	return key, secret, nil
}

// List returns every key, revoked ones too, by id.
func (s *Store) List(ctx context.Context) ([]Key, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_keys ORDER BY id`)
	keys, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Key])
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return keys, nil
}

// Lookup returns the stored key whose hash is secret's, revoked or not; the error matches ErrKeyNotFound
// when there is none.
func (s *Store) Lookup(ctx context.Context, secret string) (Key, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE key_hash = $1`, Hash(secret))
	return oneKey(rows, "look up key")
}

// Revoke marks key id revoked from now and returns it; changed is false when it already was (it keeps
// its first revocation time). The error matches ErrKeyNotFound for an unknown id.
func (s *Store) Revoke(ctx context.Context, id int64) (key Key, changed bool, err error) {
	rows, _ := s.pool.Query(ctx, `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING `+keyColumns, id)
	key, err = oneKey(rows, "revoke key")
	if !errors.Is(err, ErrKeyNotFound) {
		return key, err == nil, err
	}
	rows, _ = s.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, id)
	if key, err = oneKey(rows, "revoke key"); err != nil {
		return Key{}, false, fmt.Errorf("key %d: %w", id, err)
	}
	return key, false, nil
}

func oneKey(rows pgx.Rows, what string) (Key, error) {
	key, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Key])
	if errors.Is(err, pgx.ErrNoRows) {
		return Key{}, ErrKeyNotFound
	}
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", what, err)
	}
	return key, nil
}

// Site is what the guard needs to know of a site id.
type Site struct {
	// Exists: the site is registered, or it is not but some of its events were counted (it has
	// projections); only such a site can be read, with a key or without.
	Exists bool
	// Public: the site is answered without a key (admin sites update -public).
	Public bool
}

// Site returns what is known of site id; an id that cannot be a site's does not exist.
func (s *Store) Site(ctx context.Context, id string) (Site, error) {
	if sites.CheckID(id) != nil {
		return Site{}, nil
	}
	var site Site
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM sites WHERE site_id = $1)
			OR EXISTS (SELECT FROM daily_aggregates WHERE site_id = $1),
		coalesce((SELECT public FROM sites WHERE site_id = $1), false)`, id).Scan(&site.Exists, &site.Public)
	if err != nil {
		return Site{}, fmt.Errorf("look up site: %w", err)
	}
	return site, nil
}

package sources

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/secretkey"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

// Store reads and writes the sources table.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns the store of pool's sources table.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

const columns = `id, site_id, name, created_at, revoked_at`

// Create makes a source named name for site siteID and stores its key's hash; it returns the key, shown
// this once, beside what is stored. siteID must be a valid site id (errors match sites.ErrInvalidID); it
// need not be registered, since events of unregistered sites are counted too.
func (s *Store) Create(ctx context.Context, siteID, name string) (Source, string, error) {
	if err := sites.CheckID(siteID); err != nil {
		return Source{}, "", err
	}
	key, err := generate()
	if err != nil {
		return Source{}, "", err
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO sources (site_id, name, key_hash) VALUES ($1, $2, $3) RETURNING `+columns,
		siteID, name, secretkey.Hash(key))
	src, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Source])
	if err != nil {
		return Source{}, "", fmt.Errorf("create source: %w", err)
	}
	return src, key, nil
}

// List returns every source, revoked ones too, by id.
func (s *Store) List(ctx context.Context) ([]Source, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM sources ORDER BY id`)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Source])
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return list, nil
}

// Lookup returns the source whose key is key, revoked or not; the error matches ErrUnknownKey when there
// is none.
func (s *Store) Lookup(ctx context.Context, key string) (Source, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM sources WHERE key_hash = $1`, secretkey.Hash(key))
	src, err := one(rows, "look up write key")
	if errors.Is(err, ErrNotFound) {
		return Source{}, ErrUnknownKey
	}
	return src, err
}

// Revoke marks source id revoked from now and returns it; changed is false when it already was (it keeps
// its first revocation time). The error matches ErrNotFound for an unknown id.
func (s *Store) Revoke(ctx context.Context, id int64) (src Source, changed bool, err error) {
	rows, _ := s.pool.Query(ctx, `UPDATE sources SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING `+columns, id)
	src, err = one(rows, "revoke source")
	if !errors.Is(err, ErrNotFound) {
		return src, err == nil, err
	}
	rows, _ = s.pool.Query(ctx, `SELECT `+columns+` FROM sources WHERE id = $1`, id)
	if src, err = one(rows, "revoke source"); err != nil {
		return Source{}, false, fmt.Errorf("source %d: %w", id, err)
	}
	return src, false, nil
}

func one(rows pgx.Rows, what string) (Source, error) {
	src, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Source])
	if errors.Is(err, pgx.ErrNoRows) {
		return Source{}, ErrNotFound
	}
	if err != nil {
		return Source{}, fmt.Errorf("%s: %w", what, err)
	}
	return src, nil
}

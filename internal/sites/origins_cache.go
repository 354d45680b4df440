package sites

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Origins is ingestion's cached view of the sites' allowed origins: a site nobody registered, or
// registered without a list, takes any origin. Like Zones it is loaded on first use and by Refresh, so
// a list changed with `admin sites update -allowed-origins` reaches ingestion within the refresh
// interval, and while Postgres is down the lists last read keep serving.
type Origins struct {
	pool    *pgxpool.Pool
	origins *snapshot[[]string]
}

// NewOrigins returns the allowed origins of pool's sites table.
func NewOrigins(pool *pgxpool.Pool) *Origins {
	o := &Origins{pool: pool}
	o.origins = newSnapshot("sites' allowed origins", o.read)
	return o
}

// Get returns the origins allowed to send site's events, nil for any. Until the lists were loaded once
// it loads them, and fails when Postgres does not answer.
func (o *Origins) Get(ctx context.Context, site string) ([]string, error) {
	origins, err := o.origins.get(ctx)
	if err != nil {
		return nil, err
	}
	return origins[site], nil
}

// Refresh reads every site's allowed origins from Postgres again.
func (o *Origins) Refresh(ctx context.Context) error {
	return o.origins.load(ctx, false)
}

// read reads the lists of the sites that have one.
func (o *Origins) read(ctx context.Context) (map[string][]string, error) {
	rows, _ := o.pool.Query(ctx, `SELECT site_id, allowed_origins FROM sites WHERE cardinality(allowed_origins) > 0`)
	next := map[string][]string{}
	var site string
	var origins []string
	_, err := pgx.ForEachRow(rows, []any{&site, &origins}, func() error {
		next[site] = origins
		origins = nil
		return nil
	})
	return next, err
}

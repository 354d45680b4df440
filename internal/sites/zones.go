package sites

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Zones is ingestion's cached view of the sites' time zones: a site nobody registered is in UTC. It is
// loaded from Postgres on first use and by Refresh, which a replica calls every few seconds, so a zone
// changed with `admin sites update` reaches ingestion within that interval; while Postgres is down the
// zones last read keep serving.
type Zones struct {
	pool  *pgxpool.Pool
	log   *slog.Logger
	zones *snapshot[*time.Location]
}

// NewZones returns the zones of pool's sites table; log receives zones Go cannot load.
func NewZones(pool *pgxpool.Pool, log *slog.Logger) *Zones {
	z := &Zones{pool: pool, log: log}
	z.zones = newSnapshot("sites' time zones", z.read)
	return z
}

// Get returns the location of site, UTC for a site nobody registered. Until the zones were loaded once
// it loads them, and fails when Postgres does not answer: the day of no event can be told until then.
func (z *Zones) Get(ctx context.Context, site string) (*time.Location, error) {
	zones, err := z.zones.get(ctx)
	if err != nil {
		return nil, err
	}
	if loc, ok := zones[site]; ok {
		return loc, nil
	}
	return time.UTC, nil
}

// Loaded reports whether the zones were read from Postgres at least once.
func (z *Zones) Loaded() bool {
	return z.zones.loaded()
}

// Refresh reads every site's zone from Postgres again.
func (z *Zones) Refresh(ctx context.Context) error {
	return z.zones.load(ctx, false)
}

// read reads every site's zone; a zone Go cannot load is logged and taken as UTC.
func (z *Zones) read(ctx context.Context) (map[string]*time.Location, error) {
	rows, _ := z.pool.Query(ctx, `SELECT site_id, time_zone FROM sites`)
	next := map[string]*time.Location{}
	byName := map[string]*time.Location{}
	var site, zone string
	_, err := pgx.ForEachRow(rows, []any{&site, &zone}, func() error {
		loc, ok := byName[zone]
		if !ok {
			var err error
			if loc, err = LoadZone(zone); err != nil {
				z.log.Error("site's time zone unknown to Go; its events' dates are taken in UTC", "site_id", site, "err", err)
				loc = time.UTC
			}
			byName[zone] = loc
		}
		next[site] = loc
		return nil
	})
	return next, err
}

package sites

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
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
	load1 chan struct{}                             // a token: held by the one load running
	zones atomic.Pointer[map[string]*time.Location] // nil until the first load
}

// NewZones returns the zones of pool's sites table; log receives zones Go cannot load.
func NewZones(pool *pgxpool.Pool, log *slog.Logger) *Zones {
	return &Zones{pool: pool, log: log, load1: make(chan struct{}, 1)}
}

// Get returns the location of site, UTC for a site nobody registered. Until the zones were loaded once
// it loads them, and fails when Postgres does not answer: the day of no event can be told until then.
func (z *Zones) Get(ctx context.Context, site string) (*time.Location, error) {
	zones := z.zones.Load()
	if zones == nil {
		if err := z.load(ctx, true); err != nil {
			return nil, err
		}
		zones = z.zones.Load()
	}
	if loc, ok := (*zones)[site]; ok {
		return loc, nil
	}
	return time.UTC, nil
}

// Loaded reports whether the zones were read from Postgres at least once.
func (z *Zones) Loaded() bool {
	return z.zones.Load() != nil
}

// Refresh reads every site's zone from Postgres again.
func (z *Zones) Refresh(ctx context.Context) error {
	return z.load(ctx, false)
}

// load reads the zones; onlyFirst skips it when another caller loaded them meanwhile. Waiting for
// another load ends with ctx, so that requests do not queue behind loads while Postgres is down.
func (z *Zones) load(ctx context.Context, onlyFirst bool) error {
	select {
	case z.load1 <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("read sites' time zones: %w", ctx.Err())
	}
	defer func() { <-z.load1 }()
	if onlyFirst && z.zones.Load() != nil {
		return nil
	}
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
	if err != nil {
		return fmt.Errorf("read sites' time zones: %w", err)
	}
	z.zones.Store(&next)
	return nil
}

package sites

import (
	"context"
	"fmt"
	"sync/atomic"
)

// snapshot is a cached view of one setting of every registered site, read from Postgres on first use
// and by refresh, which a replica calls every few seconds; while Postgres is down the values last read
// keep serving. Zones and Origins are snapshots.
type snapshot[V any] struct {
	what  string                                          // the setting, for errors: "sites' time zones"
	read  func(ctx context.Context) (map[string]V, error) // reads every site's value
	load1 chan struct{}                                   // a token: held by the one load running
	sites atomic.Pointer[map[string]V]                    // nil until the first load
}

func newSnapshot[V any](what string, read func(ctx context.Context) (map[string]V, error)) *snapshot[V] {
	return &snapshot[V]{what: what, read: read, load1: make(chan struct{}, 1)}
}

// get returns every site's value, loading them when they were never loaded; it fails only then, when
// Postgres does not answer.
func (s *snapshot[V]) get(ctx context.Context) (map[string]V, error) {
	if m := s.sites.Load(); m != nil {
		return *m, nil
	}
	if err := s.load(ctx, true); err != nil {
		return nil, err
	}
	return *s.sites.Load(), nil
}

// loaded reports whether the values were read from Postgres at least once.
func (s *snapshot[V]) loaded() bool {
	return s.sites.Load() != nil
}

// load reads the values; onlyFirst skips it when another caller loaded them meanwhile. Waiting for
// another load ends with ctx, so that requests do not queue behind loads while Postgres is down.
func (s *snapshot[V]) load(ctx context.Context, onlyFirst bool) error {
	select {
	case s.load1 <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("read %s: %w", s.what, ctx.Err())
	}
	defer func() { <-s.load1 }()
	if onlyFirst && s.sites.Load() != nil {
		return nil
	}
	next, err := s.read(ctx)
	if err != nil {
		return fmt.Errorf("read %s: %w", s.what, err)
	}
	s.sites.Store(&next)
	return nil
}

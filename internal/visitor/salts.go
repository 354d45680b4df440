package visitor

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SaltSize is the length of a salt in bytes.
const SaltSize = 32

// ErrUnavailable marks a salt that a live date needs and Postgres could not give: the event's visitor
// cannot be computed now, and the request is to be retried.
var ErrUnavailable = errors.New("visitor salt unavailable")

// Salts are the per-date salts of cookieless visitor ids (table visitor_salts): one random salt per
// calendar date, shared by every replica through Postgres and cached in memory, so that a replica keeps
// serving the dates it holds while Postgres is down. A salt is created on demand (For) or ahead of time
// (Refresh) once some time zone is in its date, and deleted by Refresh once none is (see Live).
type Salts struct {
	pool  *pgxpool.Pool
	now   func() time.Time
	mu    sync.Mutex                           // serializes replacing cache
	cache atomic.Pointer[map[time.Time][]byte] // by day (Day); read without the lock
}

// NewSalts returns the salts kept in pool's visitor_salts, with now as the clock (time.Now in
// production; tests move it).
func NewSalts(pool *pgxpool.Pool, now func() time.Time) *Salts {
	s := &Salts{pool: pool, now: now}
	s.cache.Store(&map[time.Time][]byte{})
	return s
}

// For returns the salt of day (a date as Day returns it). It reports ok false, and no error, when day
// has no salt now: it is not yet Creatable (an event from the future) or Expired (an event that arrived
// too late); such an event is a visitor of its own (FromEvent). An error matches ErrUnavailable.
func (s *Salts) For(ctx context.Context, day time.Time) (salt []byte, ok bool, err error) {
	if !Live(day, s.now()) {
		return nil, false, nil
	}
	if salt, ok := (*s.cache.Load())[day]; ok {
		return salt, true, nil
	}
	salt, err = s.fetch(ctx, day)
	if err != nil {
		return nil, false, fmt.Errorf("%w: date %s: %w", ErrUnavailable, day.Format(time.DateOnly), err)
	}
	return salt, true, nil
}

// fetch creates day's salt unless a replica did, reads the one that won and caches it.
func (s *Salts) fetch(ctx context.Context, day time.Time) ([]byte, error) {
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO visitor_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING`, day, newSalt())
	var salt []byte
	batch.Queue(`SELECT salt FROM visitor_salts WHERE day = $1`, day).QueryRow(func(row pgx.Row) error {
		return row.Scan(&salt)
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := map[time.Time][]byte{day: salt}
	for d, v := range *s.cache.Load() {
		next[d] = v
	}
	s.cache.Store(&next)
	return salt, nil
}

// Refresh deletes the expired salts, creates those of the dates that are live now and have none yet (so
// that a date's salt exists before its first event, whatever Postgres does then) and caches every live
// salt: what a replica runs every few seconds.
func (s *Salts) Refresh(ctx context.Context) error {
	now := s.now()
	first, last := Day(now.Add(-24*time.Hour-latestOffset), time.UTC).AddDate(0, 0, 1), Day(now.Add(earliestOffset), time.UTC)
	var days []time.Time
	var salts [][]byte
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		days, salts = append(days, d), append(salts, newSalt())
	}
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM visitor_salts WHERE day < $1`, first)
	batch.Queue(`INSERT INTO visitor_salts (day, salt) SELECT * FROM unnest($1::date[], $2::bytea[])
		ON CONFLICT (day) DO NOTHING`, days, salts)
	next := map[time.Time][]byte{}
	batch.Queue(`SELECT day, salt FROM visitor_salts WHERE day BETWEEN $1 AND $2`, first, last).Query(func(rows pgx.Rows) error {
		var day time.Time
		var salt []byte
		_, err := pgx.ForEachRow(rows, []any{&day, &salt}, func() error {
			next[day] = salt
			return nil
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("refresh visitor salts: %w", err)
	}
	s.mu.Lock()
	s.cache.Store(&next)
	s.mu.Unlock()
	return nil
}

// Covered reports whether the cache holds the salt of every date some time zone is in now, so that no
// event of now needs Postgres.
func (s *Salts) Covered() bool {
	now := s.now()
	cache := *s.cache.Load()
	for d := Day(now.Add(-latestOffset), time.UTC); !d.After(Day(now.Add(earliestOffset), time.UTC)); d = d.AddDate(0, 0, 1) {
		if _, ok := cache[d]; !ok {
			return false
		}
	}
	return true
}

// newSalt returns SaltSize random bytes.
func newSalt() []byte {
	salt := make([]byte, SaltSize)
	_, _ = rand.Read(salt) // never fails (crypto/rand)
	return salt
}

package visitor_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// clock is a settable time for Salts.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func TestSaltsAreSharedByReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testenv.DatabaseURL(t)
	now := &clock{now: time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)}
	replicas := make([]*visitor.Salts, 8)
	for i := range replicas {
		pool, err := pgxpool.New(ctx, url)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		replicas[i] = visitor.NewSalts(pool, now.Now)
	}
	// Every replica asks for the same date's salt at once: one is created, all get it.
	salts := make([][]byte, len(replicas))
	var wg sync.WaitGroup
	for i, s := range replicas {
		wg.Go(func() {
			salt, ok, err := s.For(ctx, date(2026, 6, 15))
			require.NoError(t, err)
			require.True(t, ok)
			salts[i] = salt
		})
	}
	wg.Wait()
	for _, salt := range salts {
		require.Len(t, salt, visitor.SaltSize)
		require.Equal(t, salts[0], salt)
	}
	a := visitor.Cookieless(salts[0], "example.com", "203.0.113.7", "Firefox")
	require.NoError(t, replicas[1].Refresh(ctx))
	salt, ok, err := replicas[1].For(ctx, date(2026, 6, 15))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, a, visitor.Cookieless(salt, "example.com", "203.0.113.7", "Firefox"), "two replicas give one client one id")
}

func TestSaltsAreCreatedAheadAndDeletedWhenNoZoneIsInTheDate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)
	now := &clock{now: time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)}
	s := visitor.NewSalts(pool, now.Now)

	require.NoError(t, s.Refresh(ctx))
	require.Equal(t, []time.Time{date(2026, 6, 14), date(2026, 6, 15)}, saltDays(t, pool),
		"at 09:00 UTC UTC-12 is still in the 14th and UTC+14 not yet in the 16th")
	require.True(t, s.Covered())

	now.Set(time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC))
	require.False(t, s.Covered(), "UTC+14 entered the 16th")
	require.NoError(t, s.Refresh(ctx))
	require.Equal(t, []time.Time{date(2026, 6, 14), date(2026, 6, 15), date(2026, 6, 16)}, saltDays(t, pool),
		"the 16th's salt exists before most zones need it")

	fourteenth, ok, err := s.For(ctx, date(2026, 6, 14))
	require.NoError(t, err)
	require.True(t, ok)
	now.Set(time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC))
	_, ok, err = s.For(ctx, date(2026, 6, 14))
	require.NoError(t, err)
	require.False(t, ok, "at 12:00 UTC of the 15th no zone is in the 14th: its late events are visitors of their own")
	require.NoError(t, s.Refresh(ctx))
	require.Equal(t, []time.Time{date(2026, 6, 15), date(2026, 6, 16)}, saltDays(t, pool))
	var left int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM visitor_salts WHERE salt = $1`, fourteenth).Scan(&left))
	require.Zero(t, left, "the 14th's salt is gone")

	_, ok, err = s.For(ctx, date(2026, 6, 17))
	require.NoError(t, err)
	require.False(t, ok, "no zone is in the 17th yet: an event from the future gets no salt")
	require.Equal(t, []time.Time{date(2026, 6, 15), date(2026, 6, 16)}, saltDays(t, pool))
}

func TestSaltsServeFromTheCacheWhilePostgresIsDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)
	now := &clock{now: time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)}
	s := visitor.NewSalts(pool, now.Now)
	cached, ok, err := s.For(ctx, date(2026, 6, 15))
	require.NoError(t, err)
	require.True(t, ok)

	pool.Close()
	salt, ok, err := s.For(ctx, date(2026, 6, 15))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, cached, salt)
	_, _, err = s.For(ctx, date(2026, 6, 16))
	require.ErrorIs(t, err, visitor.ErrUnavailable, "a live date not cached needs Postgres")
	require.Error(t, s.Refresh(ctx))
	salt, ok, err = s.For(ctx, date(2026, 6, 15))
	require.NoError(t, err, "a failed refresh keeps the cache")
	require.True(t, ok)
	require.Equal(t, cached, salt)
}

// TestZonesAroundTheirMidnightsUseTheirOwnDatesSalt: at one UTC instant a New York site and a Kolkata
// site are in different dates, so one client gets ids from different salts; the same client on the next
// New York date is another visitor.
func TestZonesAroundTheirMidnightsUseTheirOwnDatesSalt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	now := &clock{now: time.Date(2026, 6, 16, 3, 59, 0, 0, time.UTC)} // 23:59 in New York, 09:29 in Kolkata
	s := visitor.NewSalts(testenv.Database(t), now.Now)
	idOf := func(site string, loc *time.Location) int64 {
		salt, ok, err := s.For(ctx, visitor.Day(now.Now(), loc))
		require.NoError(t, err)
		require.True(t, ok)
		return visitor.Cookieless(salt, site, "203.0.113.7", "Firefox")
	}
	require.Equal(t, date(2026, 6, 15), visitor.Day(now.Now(), ny))
	require.Equal(t, date(2026, 6, 16), visitor.Day(now.Now(), kolkata))
	nyBefore := idOf("s", ny)
	require.NotEqual(t, nyBefore, idOf("s", kolkata), "same site name, same client, same instant, other date")

	now.Set(time.Date(2026, 6, 16, 4, 1, 0, 0, time.UTC)) // 00:01 in New York
	nyAfter := idOf("s", ny)
	require.NotEqual(t, nyBefore, nyAfter, "a new New York date is a new visitor")
	now.Set(time.Date(2026, 6, 16, 18, 29, 0, 0, time.UTC)) // 23:59 in Kolkata
	kolkataLate := idOf("s", kolkata)
	now.Set(time.Date(2026, 6, 16, 18, 31, 0, 0, time.UTC)) // 00:01 in Kolkata
	require.NotEqual(t, kolkataLate, idOf("s", kolkata))
	now.Set(time.Date(2026, 6, 16, 20, 0, 0, 0, time.UTC)) // 16:00 in New York, still the 16th
	require.Equal(t, nyAfter, idOf("s", ny), "one New York date, one visitor, whatever the UTC date")
}

func saltDays(t *testing.T, pool *pgxpool.Pool) []time.Time {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT day FROM visitor_salts ORDER BY day`)
	require.NoError(t, err)
	var days []time.Time
	for rows.Next() {
		var d time.Time
		require.NoError(t, rows.Scan(&d))
		days = append(days, d)
	}
	require.NoError(t, rows.Err())
	return days
}

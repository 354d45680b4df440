package ttlcache_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/ttlcache"
)

func TestCacheAnswersUntilTheTTL(t *testing.T) {
	t.Parallel()
	c := ttlcache.New[int](time.Second)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, ok := c.Get("k", at)
	require.False(t, ok)
	c.Put("k", 7, at)
	v, ok := c.Get("k", at.Add(999*time.Millisecond))
	require.True(t, ok)
	require.Equal(t, 7, v)
	_, ok = c.Get("k", at.Add(time.Second))
	require.False(t, ok, "expired at the TTL")
}

package bots_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/bots"
)

// The cache answers as the automaton does, holds at most CacheEntries user agents, forgets the least
// recently used first, and keeps no more of a user agent than is classified.
func TestCache(t *testing.T) {
	t.Parallel()
	c, err := bots.New()
	require.NoError(t, err)
	for range 2 {
		require.True(t, c.IsBot(googlebot))
		require.False(t, c.IsBot(chromeWindows))
	}
	for i := range bots.CacheEntries {
		c.IsBot(fmt.Sprintf("%s/%d", firefoxLinux, i))
		c.IsBot(googlebot) // the most recent again and again: never the one forgotten
	}
	n, ok := c.Cached(googlebot)
	require.Equal(t, bots.CacheEntries, n)
	require.True(t, ok)
	_, ok = c.Cached(chromeWindows)
	require.False(t, ok, "the least recently used user agent is forgotten first")
	require.False(t, c.IsBot(chromeWindows))

	// A user agent is read up to its first kilobyte, and kept in the cache only so far.
	long := googlebot + strings.Repeat("x", 2000)
	require.True(t, c.IsBot(long))
	_, ok = c.Cached(long)
	require.False(t, ok)
	_, ok = c.Cached(long[:bots.MaxUserAgent])
	require.True(t, ok)
	require.False(t, c.IsBot(strings.Repeat("x", bots.MaxUserAgent)+googlebot))
}

package bots_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/bots"
)

// The cache answers as the automaton does, holds at most CacheEntries user agents, keeps one that keeps
// coming while a stream of new ones passes, forgets one that stopped coming, and keeps no more of a
// user agent than is classified.
func TestCache(t *testing.T) {
	t.Parallel()
	c, err := bots.New()
	require.NoError(t, err)
	for range 2 {
		require.True(t, c.IsBot(googlebot))
		require.False(t, c.IsBot(chromeWindows))
	}
	for i := range 20 * bots.CacheEntries {
		c.IsBot(fmt.Sprintf("%s/%d", firefoxLinux, i))
		c.IsBot(googlebot) // used again and again: never the one forgotten
	}
	n, ok := c.Cached(googlebot)
	require.LessOrEqual(t, n, bots.CacheEntries)
	require.Greater(t, n, bots.CacheEntries*9/10, "most slots hold an answer")
	require.True(t, ok)
	_, ok = c.Cached(chromeWindows)
	require.False(t, ok, "a user agent that stopped coming is forgotten")
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

// TestCacheKeepsPartOfACycleLargerThanIt sends user agents in a cycle of 10,000, more than the cache
// holds, as the bench's browsers do: a least-recently-used cache then misses every time (each user
// agent was forgotten just before it comes again); this one still answers part of them.
func TestCacheKeepsPartOfACycleLargerThanIt(t *testing.T) {
	t.Parallel()
	c, err := bots.New()
	require.NoError(t, err)
	agents := make([]string, 10_000)
	for i := range agents {
		agents[i] = fmt.Sprintf("%s/%d", firefoxLinux, i)
		c.IsBot(agents[i])
	}
	hits := 0
	for range 3 {
		for _, a := range agents {
			if _, ok := c.Cached(a); ok {
				hits++
			}
			require.False(t, c.IsBot(a))
		}
	}
	require.Greater(t, hits, 3*len(agents)/20, "of %d lookups, %d hits", 3*len(agents), hits)
}

// TestCacheConcurrent classifies user agents from many goroutines at once, more than the cache holds,
// each seen many times: every answer is the automaton's.
func TestCacheConcurrent(t *testing.T) {
	t.Parallel()
	c, err := bots.New()
	require.NoError(t, err)
	agents := []string{googlebot, chromeWindows}
	for i := range 2 * bots.CacheEntries {
		agents = append(agents, fmt.Sprintf("%s/%d", firefoxLinux, i), fmt.Sprintf("%s/%d", googlebot, i))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 4 * len(agents) {
				a := agents[(i*7+g)%len(agents)]
				if c.IsBot(a) != c.Classify(a) {
					t.Errorf("IsBot(%q) differs from the automaton", a)
					return
				}
			}
		})
	}
	wg.Wait()
}

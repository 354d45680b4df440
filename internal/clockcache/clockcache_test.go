package clockcache_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/clockcache"
)

// TestCacheKeepsWhatKeepsComing: answers come back as added, the cache never holds more than its slots,
// a key read again and again survives a stream of new keys, and a key that stopped coming is forgotten.
func TestCacheKeepsWhatKeepsComing(t *testing.T) {
	t.Parallel()
	c := clockcache.New[int](64)
	c.Add("hot", 1)
	c.Add("cold", 2)
	v, ok := c.Get("hot")
	require.True(t, ok)
	require.Equal(t, 1, v)
	for i := range 20 * 64 {
		c.Add(fmt.Sprintf("new-%d", i), i)
		_, ok := c.Get("hot")
		require.True(t, ok, "after %d new keys", i)
	}
	require.LessOrEqual(t, c.Len(), 64)
	require.Greater(t, c.Len(), 64*9/10, "most slots hold an answer")
	require.False(t, c.Holds("cold"))
	_, ok = c.Get("cold")
	require.False(t, ok)
}

package ingestion

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestClientKeyKeptForRecentAddresses checks that a recent client's bucket key is its hash's, found
// again without hashing (nothing allocated), that an IPv6 client's /64 shares one key, and that more
// addresses than the cache holds all get their own hash's key while the cache stays bounded. Not
// parallel: AllocsPerRun counts the whole process's allocations. (An internal test, so that the
// package's export_test.go, shared with other work, stays as it is.)
func TestClientKeyKeptForRecentAddresses(t *testing.T) {
	keys, hashed := newBucketKeys("events", "secret", true), newBucketKeys("events", "secret", true)
	hash := func(addr netip.Addr) string {
		if addr.Is6() {
			addr = netip.PrefixFrom(addr, 64).Masked().Addr()
		}
		return hashed.hash(addr.As16())
	}
	v4 := netip.MustParseAddr("203.0.113.7")
	require.Equal(t, hash(v4), keys.client(v4))
	require.Zero(t, testing.AllocsPerRun(100, func() { keys.client(v4) }), "a recent address was hashed again")

	a, b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::9")
	require.Equal(t, keys.client(a), keys.client(b))
	require.Equal(t, hash(b), keys.client(b))

	for i := range 2 * clientKeyEntries {
		addr := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		require.Equal(t, hash(addr), keys.client(addr))
		require.Equal(t, hash(addr), keys.client(addr))
	}
	require.LessOrEqual(t, keys.recent.len(), clientKeyEntries)
	require.Greater(t, keys.recent.len(), clientKeyEntries/2)
}

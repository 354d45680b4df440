package clientip_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/clientip"
)

func TestTrustedParsesCIDRs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		text string
		want string
	}{
		{name: "empty_trusts_none", text: "", want: ""},
		{name: "spaces_only_trust_none", text: "  ", want: ""},
		{name: "cidrs_with_spaces", text: " 10.0.0.0/8 , 2001:db8::/32", want: "10.0.0.0/8,2001:db8::/32"},
		{name: "bare_addresses", text: "192.0.2.1,2001:db8::1", want: "192.0.2.1/32,2001:db8::1/128"},
		{name: "host_bits_masked", text: "10.1.2.3/8", want: "10.0.0.0/8"},
		{name: "ipv4_mapped_network_becomes_ipv4", text: "::ffff:10.0.0.0/104", want: "10.0.0.0/8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var trusted clientip.Trusted
			require.NoError(t, trusted.UnmarshalText([]byte(tc.text)))
			require.Equal(t, tc.want, trusted.String())
			require.NoError(t, trusted.Validate())
		})
	}
}

func TestTrustedRejectsWhatIsNotANetwork(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"10.0.0.0/33", "10.0.0.0/8,", "proxy.internal", "10.0.0.0/8;192.168.0.0/16", "fe80::1%eth0", "10.0.0"} {
		t.Run(text, func(t *testing.T) {
			t.Parallel()
			var trusted clientip.Trusted
			err := trusted.UnmarshalText([]byte(text))
			require.Error(t, err)
			require.Contains(t, err.Error(), "TRUSTED_PROXIES")
		})
	}
	require.Error(t, clientip.Trusted{netip.Prefix{}}.Validate(), "a zero prefix built in code")
}

func TestTrustedContainsUnmapsAndDropsZones(t *testing.T) {
	t.Parallel()
	var trusted clientip.Trusted
	require.NoError(t, trusted.UnmarshalText([]byte("10.0.0.0/8,fe80::/10")))
	for addr, want := range map[string]bool{
		"10.1.2.3":        true,
		"::ffff:10.1.2.3": true,
		"fe80::1%eth0":    true,
		"11.0.0.1":        false,
		"::ffff:11.0.0.1": false,
		"2001:db8::1":     false,
	} {
		require.Equal(t, want, trusted.Contains(netip.MustParseAddr(addr)), addr)
	}
}

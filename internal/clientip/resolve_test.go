package clientip_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/clientip"
)

// proxies is the trusted set of the resolution tests: one IPv4 and one IPv6 network of proxies.
const proxies = "10.0.0.0/8, 2001:db8:1::/48"

func TestResolveTakesRightmostUntrusted(t *testing.T) {
	t.Parallel()
	var trusted clientip.Trusted
	require.NoError(t, trusted.UnmarshalText([]byte(proxies)))
	cases := []struct {
		name      string
		peer      string
		xff       []string
		forwarded []string
		want      string
	}{
		{name: "untrusted_peer_spoofed_xff", peer: "203.0.113.7:5555", xff: []string{"198.51.100.9"}, want: "203.0.113.7"},
		{name: "untrusted_peer_spoofed_forwarded", peer: "203.0.113.7:5555", forwarded: []string{"for=198.51.100.9"}, want: "203.0.113.7"},
		{name: "trusted_peer_without_header", peer: "10.0.0.1:443", want: "10.0.0.1"},
		{name: "trusted_peer_client_from_xff", peer: "10.0.0.1:443", xff: []string{"198.51.100.9"}, want: "198.51.100.9"},
		{name: "chain_of_trusted_proxies", peer: "10.0.0.1:443", xff: []string{"6.6.6.6, 198.51.100.9,10.1.1.1 , 10.2.2.2"}, want: "198.51.100.9"},
		{name: "chain_over_several_header_lines", peer: "10.0.0.1:443", xff: []string{"6.6.6.6, 198.51.100.9", "10.1.1.1"}, want: "198.51.100.9"},
		{name: "every_hop_trusted_takes_leftmost", peer: "10.0.0.1:443", xff: []string{"10.9.9.9, 10.1.1.1"}, want: "10.9.9.9"},
		{name: "garbage_left_of_client_not_read", peer: "10.0.0.1:443", xff: []string{"<script>, 198.51.100.9"}, want: "198.51.100.9"},
		{name: "garbage_header", peer: "10.0.0.1:443", xff: []string{"not an address"}, want: "10.0.0.1"},
		{name: "garbage_hop_right_of_client", peer: "10.0.0.1:443", xff: []string{"198.51.100.9, 10.1.1.1; drop table"}, want: "10.0.0.1"},
		{name: "empty_xff_element", peer: "10.0.0.1:443", xff: []string{"198.51.100.9,,10.1.1.1"}, want: "10.0.0.1"},
		{name: "empty_xff", peer: "10.0.0.1:443", xff: []string{""}, want: "10.0.0.1"},
		{name: "xff_with_ports", peer: "10.0.0.1:443", xff: []string{"[2001:db8:cafe::17]:4711, 10.1.1.1:80"}, want: "2001:db8:cafe::17"},
		{name: "xff_ipv4_with_port", peer: "10.0.0.1:443", xff: []string{"198.51.100.9:1234"}, want: "198.51.100.9"},
		{name: "xff_bare_ipv6", peer: "10.0.0.1:443", xff: []string{"2001:db8:cafe::17"}, want: "2001:db8:cafe::17"},
		{name: "xff_over_forwarded", peer: "10.0.0.1:443", xff: []string{"198.51.100.9"}, forwarded: []string{"for=192.0.2.60"}, want: "198.51.100.9"},
		{name: "forwarded_quoted_ipv6_with_port", peer: "10.0.0.1:443",
			forwarded: []string{`for="[2001:db8:cafe::17]:4711";proto=https, For=10.1.1.1;by="[2001:db8:1::1]"`}, want: "2001:db8:cafe::17"},
		{name: "forwarded_quoted_comma_and_escape", peer: "10.0.0.1:443",
			forwarded: []string{`for=192.0.2.60;host="a,b\"c;d", for="10.1.1.1"`}, want: "192.0.2.60"},
		{name: "forwarded_over_several_header_lines", peer: "10.0.0.1:443",
			forwarded: []string{"for=6.6.6.6, for=192.0.2.60", "for=10.1.1.1"}, want: "192.0.2.60"},
		{name: "forwarded_unknown", peer: "10.0.0.1:443", forwarded: []string{"for=unknown"}, want: "10.0.0.1"},
		{name: "forwarded_obfuscated", peer: "10.0.0.1:443", forwarded: []string{`for="_hidden"`}, want: "10.0.0.1"},
		{name: "forwarded_unquoted_ipv6", peer: "10.0.0.1:443", forwarded: []string{"for=[2001:db8:cafe::17]"}, want: "10.0.0.1"},
		{name: "forwarded_unterminated_quote", peer: "10.0.0.1:443", forwarded: []string{`for="192.0.2.60`}, want: "10.0.0.1"},
		{name: "forwarded_element_without_for", peer: "10.0.0.1:443", forwarded: []string{"for=192.0.2.60, proto=https"}, want: "10.0.0.1"},
		{name: "forwarded_for_twice", peer: "10.0.0.1:443", forwarded: []string{"for=192.0.2.60;for=6.6.6.6"}, want: "10.0.0.1"},
		{name: "forwarded_trailing_comma", peer: "10.0.0.1:443", forwarded: []string{"for=192.0.2.60,"}, want: "10.0.0.1"},
		{name: "forwarded_garbage", peer: "10.0.0.1:443", forwarded: []string{"\x00\xff;;=="}, want: "10.0.0.1"},
		{name: "ipv6_peer_untrusted", peer: "[2001:db8:2::1]:443", xff: []string{"198.51.100.9"}, want: "2001:db8:2::1"},
		{name: "ipv6_peer_trusted", peer: "[2001:db8:1::5]:443", xff: []string{"198.51.100.9"}, want: "198.51.100.9"},
		{name: "ipv6_peer_with_zone", peer: "[fe80::1%eth0]:443", xff: []string{"198.51.100.9"}, want: "fe80::1"},
		{name: "ipv4_mapped_ipv6_peer_trusted", peer: "[::ffff:10.0.0.1]:443", xff: []string{"198.51.100.9"}, want: "198.51.100.9"},
		{name: "ipv4_mapped_ipv6_peer_untrusted", peer: "[::ffff:203.0.113.7]:443", xff: []string{"198.51.100.9"}, want: "203.0.113.7"},
		{name: "ipv4_mapped_ipv6_hop", peer: "10.0.0.1:443", xff: []string{"::ffff:198.51.100.9, ::ffff:10.1.1.1"}, want: "198.51.100.9"},
		{name: "peer_without_port", peer: "10.0.0.1", xff: []string{"198.51.100.9"}, want: "198.51.100.9"},
		{name: "peer_not_an_address", peer: "@", xff: []string{"198.51.100.9"}, want: "invalid IP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for _, v := range tc.xff {
				h.Add("X-Forwarded-For", v)
			}
			for _, v := range tc.forwarded {
				h.Add("Forwarded", v)
			}
			require.Equal(t, tc.want, trusted.Resolve(tc.peer, h).String())
		})
	}
}

func TestResolveTrustsNoOneByDefault(t *testing.T) {
	t.Parallel()
	h := http.Header{"X-Forwarded-For": {"198.51.100.9"}, "Forwarded": {"for=192.0.2.60"}}
	require.Equal(t, "127.0.0.1", clientip.Trusted(nil).Resolve("127.0.0.1:5555", h).String())
}

// Package clientip finds the address of the client that sent an HTTP request: the direct peer, or, when
// the peer is a trusted proxy, the address the proxies recorded in X-Forwarded-For or Forwarded.
package clientip

import (
	"fmt"
	"net/netip"
	"strings"
)

// Trusted is the set of networks whose proxies are believed about the addresses they forward: the
// TRUSTED_PROXIES setting, comma-separated CIDRs (a bare address is a network of that one address).
// Empty trusts no one.
type Trusted []netip.Prefix

// UnmarshalText parses comma-separated CIDRs; spaces around them are ignored, and so is an empty list.
func (t *Trusted) UnmarshalText(text []byte) error {
	if strings.TrimSpace(string(text)) == "" {
		*t = nil
		return nil
	}
	var out Trusted
	for part := range strings.SplitSeq(string(text), ",") {
		p, err := parsePrefix(strings.TrimSpace(part))
		if err != nil {
			return fmt.Errorf("TRUSTED_PROXIES: %w", err)
		}
		out = append(out, p)
	}
	*t = out
	return nil
}

// parsePrefix parses a CIDR or a bare address. An IPv4-mapped IPv6 network (::ffff:10.0.0.0/104)
// becomes the IPv4 network it maps, because peers are compared in their IPv4 form.
func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		addr, addrErr := netip.ParseAddr(s)
		if addrErr != nil || addr.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%q is neither a CIDR (like 10.0.0.0/8 or 2001:db8::/32) nor an IP address", s)
		}
		p = netip.PrefixFrom(addr, addr.BitLen())
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// Validate reports a network that is not one, which only a Trusted built in code can hold.
func (t Trusted) Validate() error {
	for _, p := range t {
		if !p.IsValid() {
			return fmt.Errorf("%v is not a network", p)
		}
	}
	return nil
}

// String lists the networks as the setting writes them.
func (t Trusted) String() string {
	parts := make([]string, len(t))
	for i, p := range t {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// Contains reports whether addr, compared in its IPv4 form when it is IPv4-mapped and without its zone,
// is in one of the networks.
func (t Trusted) Contains(addr netip.Addr) bool {
	addr = addr.Unmap().WithZone("")
	for _, p := range t {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

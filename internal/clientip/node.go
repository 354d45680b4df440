package clientip

import (
	"net/netip"
	"strings"
)

// parseNode parses one hop a proxy recorded: an X-Forwarded-For element, or the value of a Forwarded
// for= parameter with its quotes removed. It takes an IPv4 address, an IPv6 address bare or in
// brackets, each with or without a port, and returns the address unmapped and without a zone. Anything
// else (RFC 7239's "unknown" and obfuscated identifiers included) is not an address: ok is false.
func parseNode(s string) (addr netip.Addr, ok bool) {
	s = strings.TrimSpace(s)
	if rest, bracketed := strings.CutPrefix(s, "["); bracketed {
		host, afterHost, closed := strings.Cut(rest, "]")
		port, hasPort := strings.CutPrefix(afterHost, ":")
		if !closed || (afterHost != "" && (!hasPort || !isPort(port))) {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() {
			return netip.Addr{}, false
		}
		return a.Unmap().WithZone(""), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if host, port, found := strings.Cut(s, ":"); found && isPort(port) {
		if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// isPort reports whether s is one to five digits.
func isPort(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

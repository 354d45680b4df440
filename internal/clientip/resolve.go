package clientip

import (
	"net/http"
	"net/netip"
	"strings"
)

// Resolve returns the address of the client that sent a request with header h from remoteAddr (the
// request's RemoteAddr, the direct peer), by the rightmost-untrusted rule:
//
//   - when the peer is not in t, the peer: a header is then the client's own word;
//   - otherwise the hops the proxies recorded, those of X-Forwarded-For or, when the request has none, the
//     for= of Forwarded (RFC 7239), are walked from the right, the end each proxy appends to; trusted
//     addresses are skipped and the first untrusted one is the client. Everything to its left came from
//     the client and is not read. When every hop is trusted the leftmost is the client (as nginx's
//     real_ip_recursive does);
//   - when the header is missing or a hop reached in the walk is not an address (garbage, "unknown", an
//     obfuscated identifier), the peer.
//
// The result is unmapped (an IPv4-mapped IPv6 address becomes IPv4) and has no zone; it is invalid only
// when remoteAddr is not an address (a Unix socket).
func (t Trusted) Resolve(remoteAddr string, h http.Header) netip.Addr {
	peer := peerAddr(remoteAddr)
	if !peer.IsValid() || !t.Contains(peer) {
		return peer
	}
	nodes, ok := hops(h)
	if !ok || len(nodes) == 0 {
		return peer
	}
	var client netip.Addr
	for i := len(nodes) - 1; i >= 0; i-- {
		if client, ok = parseNode(nodes[i]); !ok {
			return peer
		}
		if !t.Contains(client) {
			return client
		}
	}
	return client
}

// hops returns the hops of X-Forwarded-For when the request has it, else those of Forwarded; ok is
// false when the header does not parse.
func hops(h http.Header) (nodes []string, ok bool) {
	if lines := h.Values("X-Forwarded-For"); len(lines) > 0 {
		for _, line := range lines {
			nodes = append(nodes, strings.Split(line, ",")...)
		}
		return nodes, true
	}
	return forwardedFor(h.Values("Forwarded"))
}

// peerAddr parses a RemoteAddr, host:port or a bare address.
func peerAddr(remoteAddr string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remoteAddr); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	if a, err := netip.ParseAddr(remoteAddr); err == nil {
		return a.Unmap().WithZone("")
	}
	return netip.Addr{}
}

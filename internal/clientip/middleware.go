package clientip

import (
	"context"
	"net/http"
	"net/netip"
)

// contextKey is the key of the client address in a request's context.
type contextKey struct{}

// Middleware resolves each request's client address with trusted.Resolve and puts it in the request's
// context for From. With no trusted proxy it passes requests on untouched, since From then finds the
// peer address by itself. The address is only kept in the context: never stored or logged by it.
func Middleware(trusted Trusted) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if len(trusted) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			client := trusted.Resolve(r.RemoteAddr, r.Header)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), contextKey{}, client)))
		})
	}
}

// From returns the client address of r as Middleware resolved it, or the peer address when no
// Middleware with trusted proxies saw r. It is invalid only when the peer is not an IP address (a Unix
// socket).
func From(r *http.Request) netip.Addr {
	if client, ok := r.Context().Value(contextKey{}).(netip.Addr); ok {
		return client
	}
	return peerAddr(r.RemoteAddr)
}

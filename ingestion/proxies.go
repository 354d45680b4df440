package ingestion

import "github.com/analytics-pipeline/analytics/internal/clientip"

// TrustProxies makes the handlers of Routes, called after it, take a request's client address from
// X-Forwarded-For or Forwarded when the request's peer is in trusted (the rule is clientip.Trusted's
// Resolve). Without it, or with an empty trusted, the client is the peer. The address is for deciding
// (rate limits, visitor hashes): it is never stored in an event nor logged.
func (a *API) TrustProxies(trusted clientip.Trusted) {
	a.trusted = trusted
}

package ingestion_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// The Events API takes the rate limits of POST /event: an event for each site its domain names, from
// that site's bucket, all or none.
func TestEventsAPIRateLimits(t *testing.T) {
	t.Parallel()
	cfg := testenv.Broker(t, messaging.BrokerRedis)
	// Buckets of 3 events per site, refilled one per 100 s: nothing comes back during the test.
	base := limitedIngestion(t, cfg, map[string]string{"RATE_LIMIT_PER_SITE": "0.01", "RATE_LIMIT_BURST": "300s"})
	post := func(i int, domain string) response {
		return postAs(t, base, "/api/event", fmt.Sprintf("198.51.100.%d", i), `{"n":"pageview","u":"https://a.example/","d":"`+domain+`"}`)
	}
	for i := range 3 {
		r := post(i, "s1,s2")
		require.Equal(t, http.StatusAccepted, r.status, "body: %s", r.body)
	}
	r := post(3, "s3,s1")
	requireError(t, r, http.StatusTooManyRequests, "rate limit exceeded for this client or site: none of the 2 events was queued")
	require.NotEmpty(t, r.header.Get("Retry-After"))
	for i := range 3 {
		r := post(4+i, "s3")
		require.Equal(t, http.StatusAccepted, r.status, "s3's bucket is untouched by the refused request; body: %s", r.body)
	}
	requireError(t, post(7, "s3"), http.StatusTooManyRequests, "rate limit exceeded")
	require.Equal(t, 3*2+3, streamEventCount(t, cfg), "a refused event was queued")
}

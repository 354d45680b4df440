package ingestion_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// floodLimits are 5 events/s per client and 20 per site with 2 s of burst: buckets of 10 and 40 events.
func floodLimits() map[string]string {
	return map[string]string{"RATE_LIMIT_PER_IP": "5", "RATE_LIMIT_PER_SITE": "20", "RATE_LIMIT_BURST": "2s"}
}

// TestRateLimitFloodKeepsOthersAtFullRate floods from one client and, at the same time, floods one site
// from many clients, while another client posts to another site: each flood gets what its bucket
// allows and no more, and the other client gets its whole burst meanwhile.
func TestRateLimitFloodKeepsOthersAtFullRate(t *testing.T) {
	t.Parallel()
	for _, broker := range []string{messaging.BrokerRedis, messaging.BrokerMemory} {
		t.Run(broker, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Broker(t, broker)
			base := limitedIngestion(t, cfg, floodLimits())

			var oneClient, manyClients, quiet floodResult
			var wg sync.WaitGroup
			wg.Go(func() {
				oneClient = floodConcurrently(base, func(int) string { return "198.51.100.1" }, "site-flooded-by-one", 40)
			})
			// 16 clients, none over its own limit, flood one site.
			wg.Go(func() {
				manyClients = floodConcurrently(base, func(i int) string { return fmt.Sprintf("203.0.113.%d", i%16) }, "site-flooded-by-many", 80)
			})
			wg.Go(func() { quiet = floodConcurrently(base, func(int) string { return "192.0.2.7" }, "site-quiet", 10) })
			wg.Wait()
			for _, r := range []floodResult{oneClient, manyClients, quiet} {
				require.NoError(t, r.err)
			}
			requireWithinBucket(t, oneClient.accepted, 10, 5, oneClient.took)
			requireWithinBucket(t, manyClients.accepted, 40, 20, manyClients.took)
			require.Equal(t, 10, quiet.accepted, "another client on another site keeps its full burst during the floods")
			require.Equal(t, "1", oneClient.retryAfter, "a token comes back within 200 ms")
			if broker == messaging.BrokerRedis {
				require.Equal(t, oneClient.accepted+manyClients.accepted+quiet.accepted, streamEventCount(t, cfg), "a refused event was queued")
			}
		})
	}
}

// floodResult is what floodConcurrently saw.
type floodResult struct {
	accepted   int
	retryAfter string // of the last 429
	took       time.Duration
	err        error
}

// floodConcurrently posts n events of site, the i-th as client(i), one after the other, from a goroutine
// other than the test's: it reports what it saw instead of failing the test. Every answer must be 200,
// or 429 with Retry-After.
func floodConcurrently(base string, client func(i int) string, site string, n int) floodResult {
	res, start := floodResult{}, time.Now()
	for i := range n {
		req, err := http.NewRequest(http.MethodPost, base+"/event", strings.NewReader(siteEvent(site)))
		if err != nil {
			return floodResult{err: err}
		}
		req.Header.Set("Content-Type", jsonType)
		req.Header.Set("X-Forwarded-For", client(i))
		answer, err := http.DefaultClient.Do(req)
		if err != nil {
			return floodResult{err: err}
		}
		_, _ = io.Copy(io.Discard, answer.Body)
		answer.Body.Close()
		switch {
		case answer.StatusCode == http.StatusOK:
			res.accepted++
		case answer.StatusCode != http.StatusTooManyRequests || answer.Header.Get("Retry-After") == "":
			return floodResult{err: fmt.Errorf("%s: answered %d (Retry-After %q)", client(i), answer.StatusCode, answer.Header.Get("Retry-After"))}
		default:
			res.retryAfter = answer.Header.Get("Retry-After")
		}
	}
	res.took = time.Since(start)
	return res
}

// TestRateLimitSharedAcrossInstances sends one client's events alternately to two ingestion instances
// on the same Redis: together they let through one bucket's worth, not one each.
func TestRateLimitSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	first, second := limitedIngestion(t, cfg, floodLimits()), limitedIngestion(t, cfg, floodLimits())
	accepted, began := 0, time.Now()
	for i := range 40 {
		base := first
		if i%2 == 1 {
			base = second
		}
		n, _ := flood(t, base, "198.51.100.2", "site-shared", 1)
		accepted += n
	}
	requireWithinBucket(t, accepted, 10, 5, time.Since(began))
}

// TestRateLimitPerProcessWithoutRedis runs two instances on a broker other than Redis: each keeps its
// own buckets, so together they let through a bucket's worth each.
func TestRateLimitPerProcessWithoutRedis(t *testing.T) {
	t.Parallel()
	for _, broker := range []string{messaging.BrokerKafka, messaging.BrokerMemory} {
		t.Run(broker, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Broker(t, broker)
			first, second := limitedIngestion(t, cfg, floodLimits()), limitedIngestion(t, cfg, floodLimits())
			a, tookA := flood(t, first, "198.51.100.3", "site-per-process", 30)
			b, tookB := flood(t, second, "198.51.100.3", "site-per-process", 30)
			requireWithinBucket(t, a, 10, 5, tookA)
			requireWithinBucket(t, b, 10, 5, tookB)
		})
	}
}

// TestRateLimitCountsBatchEvents checks that a batch takes one token per event from its client's bucket
// and from each of its sites' buckets, all or nothing.
func TestRateLimitCountsBatchEvents(t *testing.T) {
	t.Parallel()
	type step struct {
		client, body string
		status       int
		retryAfter   string // checked when not empty
	}
	cases := []struct {
		name  string
		vars  map[string]string
		steps []step
	}{
		{
			// 1 event/s per client, 10 s: a bucket of 10; refilling one event takes a second.
			name: "client_bucket_counts_events",
			vars: map[string]string{"RATE_LIMIT_PER_IP": "1", "RATE_LIMIT_BURST": "10s"},
			steps: []step{
				{client: "198.51.100.4", body: siteBatch("s1", 6, "s2", 4), status: http.StatusOK},
				{client: "198.51.100.4", body: siteBatch("s1", 1), status: http.StatusTooManyRequests, retryAfter: "1"},
				{client: "198.51.100.5", body: siteBatch("s1", 10), status: http.StatusOK},
			},
		},
		{
			// 0.5 event/s per site, 20 s: buckets of 10; refilling one event takes two seconds.
			name: "site_buckets_all_or_nothing",
			vars: map[string]string{"RATE_LIMIT_PER_SITE": "0.5", "RATE_LIMIT_BURST": "20s"},
			steps: []step{
				{client: "198.51.100.6", body: siteBatch("x", 8, "y", 8), status: http.StatusOK},
				{client: "198.51.100.6", body: siteBatch("z", 1, "x", 3), status: http.StatusTooManyRequests, retryAfter: "2"},
				{client: "198.51.100.6", body: siteBatch("z", 10), status: http.StatusOK},
				{client: "198.51.100.6", body: siteBatch("y", 2), status: http.StatusOK},
			},
		},
		{
			// A batch larger than the bucket passes when the bucket is full and leaves it in debt: 15
			// events at 1/s from a bucket of 10 leave 5 to repay before the next event's second.
			name: "batch_larger_than_burst_goes_into_debt",
			vars: map[string]string{"RATE_LIMIT_PER_IP": "1", "RATE_LIMIT_BURST": "10s"},
			steps: []step{
				{client: "198.51.100.7", body: siteBatch("s1", 15), status: http.StatusOK},
				{client: "198.51.100.7", body: siteBatch("s1", 1), status: http.StatusTooManyRequests, retryAfter: "6"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Messaging(t)
			base := limitedIngestion(t, cfg, tc.vars)
			queued := 0
			for i, s := range tc.steps {
				r := postAs(t, base, "/events", s.client, s.body)
				require.Equal(t, s.status, r.status, "step %d: %s", i, r.body)
				if s.status == http.StatusOK {
					b := decodeBatch(t, r)
					require.Zero(t, b.Rejected, "step %d: %s", i, r.body)
					queued += b.Accepted
					continue
				}
				errorMessages(t, r)
				if s.retryAfter != "" {
					require.Equal(t, s.retryAfter, r.header.Get("Retry-After"), "step %d", i)
				}
			}
			require.Equal(t, queued, streamEventCount(t, cfg), "an event of a refused batch was queued")
		})
	}
}

// TestRateLimitOffNeverRejects floods one client and one site with the limits at their defaults.
func TestRateLimitOffNeverRejects(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	base := limitedIngestion(t, cfg, map[string]string{})
	accepted, _ := flood(t, base, "198.51.100.8", "site-unlimited", 300)
	require.Equal(t, 300, accepted)
}

// TestRateLimitKeysHideTheClientAddress checks that the Redis keys of the buckets name the client by a
// hash, never by its address, and expire.
func TestRateLimitKeysHideTheClientAddress(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	base := limitedIngestion(t, cfg, floodLimits())
	flood(t, base, "198.51.100.9", "site-hidden", 3)
	flood(t, base, "2001:db8:77::9", "site-hidden", 3)
	client := testenv.RedisClient(t, cfg)
	keys, err := client.Keys(context.Background(), cfg.Stream+":*").Result()
	require.NoError(t, err)
	require.Len(t, keys, 3, "one bucket per client and one for the site: %q", keys)
	for _, key := range keys {
		require.NotContains(t, key, "198.51.100.9")
		require.NotContains(t, key, "2001:db8")
		ttl, err := client.PTTL(context.Background(), key).Result()
		require.NoError(t, err)
		require.Positive(t, ttl, "key %s does not expire", key)
	}
}

// TestRateLimitRedisDownAnswers503 posts to an instance whose Redis does not answer: the limit cannot
// be checked, so the request is refused as the publish would be, 503 with Retry-After, not accepted
// unchecked and not 429.
func TestRateLimitRedisDownAnswers503(t *testing.T) {
	t.Parallel()
	cfg := unreachableRedis(t)
	base := limitedIngestion(t, cfg, floodLimits())
	r := postAs(t, base, "/event", "198.51.100.10", siteEvent("site-down"))
	require.Equal(t, http.StatusServiceUnavailable, r.status, "body: %s", r.body)
	require.Equal(t, "1", r.header.Get("Retry-After"))
	errorMessages(t, r)
}

// TestConfigRejectsBadRateLimits checks that a negative rate or a burst that is not positive stops the
// service with an error naming the setting.
func TestConfigRejectsBadRateLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, variable, value string
	}{
		{name: "negative_per_ip", variable: "RATE_LIMIT_PER_IP", value: "-1"},
		{name: "negative_per_site", variable: "RATE_LIMIT_PER_SITE", value: "-0.5"},
		{name: "tiny_per_ip", variable: "RATE_LIMIT_PER_IP", value: "1e-12"},
		{name: "zero_burst", variable: "RATE_LIMIT_BURST", value: "0s"},
		{name: "negative_burst", variable: "RATE_LIMIT_BURST", value: "-1s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := env.ParseAsWithOptions[ingestion.Config](env.Options{Environment: map[string]string{tc.variable: tc.value}})
			require.NoError(t, err)
			err = cfg.Validate()
			require.Error(t, err)
			require.True(t, strings.Contains(err.Error(), tc.variable), "error %q does not name %s", err, tc.variable)
		})
	}
}

// TestConfigMasksRateLimitSecret checks that RATE_LIMIT_SECRET is read and never printed with the
// configuration, as the services log it at start-up.
func TestConfigMasksRateLimitSecret(t *testing.T) {
	t.Parallel()
	cfg, err := env.ParseAsWithOptions[ingestion.Config](env.Options{Environment: map[string]string{"RATE_LIMIT_SECRET": "s3cr3t-hash-key"}})
	require.NoError(t, err)
	require.Equal(t, ingestion.Secret("s3cr3t-hash-key"), cfg.RateLimit.Secret)
	require.NotContains(t, fmt.Sprintf("%+v", cfg), "s3cr3t-hash-key")
	require.NotContains(t, fmt.Sprintf("%v", cfg), "s3cr3t-hash-key")
}

// TestRateLimitIPv6CountsPerSlash64 checks that the addresses of one IPv6 /64, the network one host is
// usually given, share a bucket, and that another /64 has its own.
func TestRateLimitIPv6CountsPerSlash64(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	base := limitedIngestion(t, cfg, map[string]string{"RATE_LIMIT_PER_IP": "1", "RATE_LIMIT_BURST": "10s"})
	accepted, _ := flood(t, base, "2001:db8:5:6::1", "site-v6", 10)
	require.Equal(t, 10, accepted)
	r := postAs(t, base, "/event", "2001:db8:5:6:ffff::2", siteEvent("site-v6"))
	require.Equal(t, http.StatusTooManyRequests, r.status, "another address of the same /64: %s", r.body)
	r = postAs(t, base, "/event", "2001:db8:5:7::1", siteEvent("site-v6"))
	require.Equal(t, http.StatusOK, r.status, "another /64: %s", r.body)
}

package e2e_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSegmentNodeSDKIsCountedExactly: @segment/analytics-node 3.1.0 sends track, page and identify, each
// flushed alone, then a batch of six in one request, to POST /v1/batch with its write key, and
// closeAndFlush()es; the query API and /stats then count exactly those events, and every messageId is
// stored once, as its event id.
func TestSegmentNodeSDKIsCountedExactly(t *testing.T) {
	t.Parallel()
	testNodeSDK(t, "node/segment.js", "segment-node.example")
}

// TestRudderStackNodeSDKIsCountedExactly: @rudderstack/rudder-sdk-node 3.0.13 sends the same calls as
// the Segment SDK's test, gzipped, with its write key as Basic auth username only; they are counted
// exactly, each messageId stored once.
func TestRudderStackNodeSDKIsCountedExactly(t *testing.T) {
	t.Parallel()
	testNodeSDK(t, "node/rudder.js", "rudder-node.example")
}

// nodeSDKRequests is what the proxy sees of testdata/segment-sdks/node/calls.js sent without a fault:
// one request per single call, then the batch in one.
var nodeSDKRequests = []string{"POST /v1/batch 200", "POST /v1/batch 200", "POST /v1/batch 200", "POST /v1/batch 200"}

// nodeSDKTypes are the raw events of node/calls.js by event type: pages are page views, a track call's
// type is its event name, identify calls are stored as such.
var nodeSDKTypes = map[string]int{"page_view": 4, "Signup": 3, "identify": 2}

// testNodeSDK runs script (one of the fixture's Node SDK scripts) through a recording proxy against the
// stack, for site, and checks what was counted.
func testNodeSDK(t *testing.T, script, site string) {
	start := time.Now()
	dir := installSDKs(t)
	p := startSDKPipeline(t)
	key := sdkSource(t, p.databaseURL, site)
	proxy := startSDKProxy(t, p.ingestionURL, 0)

	runNode(t, dir, script, sdkScriptConfig{Host: proxy.URL, WriteKey: key, Site: site})
	require.Equal(t, nodeSDKRequests, proxy.Requests(), "requests the SDK made")
	waitForDrained(t, p)
	requireNodeSDKCounts(t, p, site)
	requireStoredOnce(t, p.databaseURL, site, proxy, nodeSDKTypes)
	t.Logf("%s: %s in all", t.Name(), time.Since(start).Round(time.Millisecond))
}

// requireNodeSDKCounts checks the figures of node/calls.js, through /stats and the query API: 4 page
// views by alice, bob and carol (3 users, 3 visitors), of /pricing and /docs twice each; Signup 3 times,
// twice on plan pro and once on free.
func requireNodeSDKCounts(t *testing.T, p sdkPipeline, site string) {
	t.Helper()
	today := time.Now().UTC().Format(time.DateOnly)
	waitForStats(t, p.reportingURL, "site_id="+site+"&date="+today, fmt.Sprintf(
		`{"site_id":%q,"date":%q,"total_views":4,"unique_users":3,"top_paths":[{"path":"/docs","views":2},{"path":"/pricing","views":2}]}`, site, today))
	waitForQuery(t, p.reportingURL, sdkQuery(site, `"metrics":["visitors","pageviews"]`),
		`[{"metrics":[3,4],"dimensions":[]}]`)
	waitForQuery(t, p.reportingURL, sdkQuery(site, `"metrics":["events"],"dimensions":["event:name"],"filters":[["is","event:name",["Signup","pageview"]]],"order_by":[["event:name","asc"]]`),
		`[{"metrics":[3],"dimensions":["Signup"]},{"metrics":[4],"dimensions":["pageview"]}]`)
	waitForQuery(t, p.reportingURL, sdkQuery(site, `"metrics":["events"],"dimensions":["event:props:plan"],"filters":[["is","event:name",["Signup"]]],"order_by":[["event:props:plan","asc"]]`),
		`[{"metrics":[1],"dimensions":["free"]},{"metrics":[2],"dimensions":["pro"]}]`)
	waitForQuery(t, p.reportingURL, sdkQuery(site, `"metrics":["pageviews"],"dimensions":["event:page"],"filters":[["is","event:name",["pageview"]]],"order_by":[["event:page","asc"]]`),
		`[{"metrics":[2],"dimensions":["/docs"]},{"metrics":[2],"dimensions":["/pricing"]}]`)
}

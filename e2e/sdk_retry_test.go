package e2e_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSDKRetryAfter503CountsOnce: a proxy passes the Node SDKs' first request to ingestion, which takes
// its event, and answers the SDK 503 (the answer lost on its way back); the SDK sends the same
// messageId again, through its own retry, and ingestion takes it again. The proxy saw that messageId
// twice, every other once, and the event is stored and counted once: the figures are those of the
// test without a fault.
func TestSDKRetryAfter503CountsOnce(t *testing.T) {
	t.Parallel()
	dir := installSDKs(t)
	for _, sdk := range []struct{ name, script string }{
		{"segment", "node/segment.js"},
		{"rudderstack", "node/rudder.js"},
	} {
		t.Run(sdk.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			site := sdk.name + "-retry.example"
			p := startSDKPipeline(t)
			key := sdkSource(t, p.databaseURL, site)
			proxy := startSDKProxy(t, p.ingestionURL, 1)

			runNode(t, dir, sdk.script, sdkScriptConfig{Host: proxy.URL, WriteKey: key, Site: site})
			require.Equal(t, append([]string{"POST /v1/batch 503"}, nodeSDKRequests...), proxy.Requests(), "requests the SDK made")
			var twice []string
			for id, n := range proxy.Seen() {
				if n > 1 {
					twice = append(twice, id)
				}
				require.LessOrEqual(t, n, 2, "requests that carried messageId %s", id)
			}
			require.Len(t, twice, 1, "messageIds the proxy saw twice: the first call's, retried")
			waitForDrained(t, p)
			requireNodeSDKCounts(t, p, site)
			requireStoredOnce(t, p.databaseURL, site, proxy, nodeSDKTypes)
			t.Logf("%s: %s in all", t.Name(), time.Since(start).Round(time.Millisecond))
		})
	}
}

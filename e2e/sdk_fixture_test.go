package e2e_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sdkFixture is the npm project of the real SDKs the Segment-spec tests drive: its package.json and
// package-lock.json pin @segment/analytics-node 3.1.0, @rudderstack/rudder-sdk-node 3.0.13,
// @segment/analytics-next 1.84.3 and esbuild, which bundles analytics-next for the browser.
const sdkFixture = "testdata/segment-sdks"

// nodeScriptTimeout bounds one run of an SDK's Node script.
const nodeScriptTimeout = 45 * time.Second

// installSDKs copies the fixture to a temporary directory (leaving out a node_modules or dist made there
// by hand), installs its locked packages with npm ci (from the npm registry or npm's cache) and bundles
// browser/main.js into dist/analytics.js; it returns the directory. No npm fails the test, saying how to
// get it.
func installSDKs(t *testing.T) string {
	t.Helper()
	return npmBuild(t, sdkFixture, "the SDK tests install the Segment and RudderStack SDKs")
}

// sdkScriptConfig is what an SDK's Node script reads from its argument: where ingestion is, the write
// key, and the site its page URLs name.
type sdkScriptConfig struct {
	Host     string `json:"host"`
	WriteKey string `json:"writeKey"`
	Site     string `json:"site"`
}

// runNode runs the installed fixture's Node script with config and fails the test, with the script's
// output, unless it exits 0: the scripts exit 1 when their SDK gave up on an event.
func runNode(t *testing.T, dir, script string, config sdkScriptConfig) {
	t.Helper()
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node not found: install Node.js (apt-get install nodejs npm)")
	arg, err := json.Marshal(config)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), nodeScriptTimeout)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, node, script, string(arg))
	cmd.Dir = dir
	// The SDKs talk to 127.0.0.1 only: no proxy of the environment may stand between them (axios obeys
	// HTTP_PROXY).
	cmd.Env = append(os.Environ(), "NO_PROXY=*", "no_proxy=*")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "node %s:\n%s", script, out)
	t.Logf("node %s: %s", script, time.Since(start).Round(time.Millisecond))
}

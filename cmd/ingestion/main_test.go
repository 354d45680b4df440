package main_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// minRequestsPerGC is the fewest POST /event requests the service must answer per garbage collection
// under load. With Go's default GOGC of 100 and the service's few MiB of live heap this test measured
// 38 collections for 24,000 requests (631 per collection); with the service's GOGC of 400, 7 (3,428).
const minRequestsPerGC = 1500

// TestServiceCollectsGarbageSeldom runs the ingestion binary as its main configures it, with GOGC
// unset, posts single events over many connections and counts the collections the runtime reports
// (GODEBUG=gctrace=1): a count of the runtime's own work per request, not a timing.
func TestServiceCollectsGarbageSeldom(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	bin := filepath.Join(t.TempDir(), "ingestion")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	port := freePort(t)
	cmd := exec.Command(bin)
	cmd.Env = append(withoutGOGC(os.Environ()), "GODEBUG=gctrace=1", "LOG_LEVEL=warn", fmt.Sprint("INGESTION_PORT=", port),
		fmt.Sprint("REDIS_HOST=", cfg.RedisHost), fmt.Sprint("REDIS_PORT=", cfg.RedisPort), "REDIS_STREAM_NAME="+cfg.Stream)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	collections := make(chan int, 1)
	go func() { collections <- countCollections(stderr) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	url := fmt.Sprintf("http://127.0.0.1:%d/event", port)
	waitServing(t, url)
	const conns, perConn = 16, 1500
	var wg sync.WaitGroup
	for c := range conns {
		wg.Go(func() { postEvents(t, url, c, perConn) })
	}
	wg.Wait()
	require.NoError(t, cmd.Process.Kill())
	n := <-collections
	requests := conns * perConn
	t.Logf("%d requests, %d collections", requests, n)
	require.GreaterOrEqual(t, requests/max(n, 1), minRequestsPerGC,
		"%d collections for %d requests: the service runs with too small a GOGC", n, requests)
}

// countCollections counts the gctrace lines ("gc N @…") until r ends.
func countCollections(r io.Reader) int {
	n := 0
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		if strings.HasPrefix(scanner.Text(), "gc ") {
			n++
		}
	}
	return n
}

func postEvents(t *testing.T, url string, conn, n int) {
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}, Timeout: 10 * time.Second}
	for i := range n {
		body := fmt.Sprintf(`{"site_id":"site-%d","event_type":"page_view","path":"/page/%d","user_id":"user-%d"}`, conn, i%100, i)
		resp, err := client.Post(url, "application/json", bytes.NewReader([]byte(body)))
		if !assertNoError(t, err) {
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("POST /event: %d", resp.StatusCode)
			return
		}
	}
}

func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

func withoutGOGC(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GODEBUG=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			out = append(out, kv)
		}
	}
	return out
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitServing(t *testing.T, url string) {
	health := strings.TrimSuffix(url, "/event") + "/health"
	require.Eventually(t, func() bool {
		resp, err := http.Get(health)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond, "ingestion did not start serving")
}

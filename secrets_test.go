package analytics_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// TestSecretsNeverLogged runs each service at LOG_LEVEL=debug with a Postgres password in DATABASE_URL
// and a Redis password, through start-up, requests, and a failure (Redis killed, the role's Postgres
// connections terminated), then stops it; no line of its output may show either password, and every line
// must be JSON.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	bin := buildBinaries(t, "ingestion", "processor", "reporting")
	redisPassword := fmt.Sprintf("redis-pw-%d", time.Now().UnixNano())
	pgPassword := fmt.Sprintf("pg-pw-%d", time.Now().UnixNano())
	redis := startRedis(t, redisPassword)
	admin := processorDatabase(t)
	dsn, role := roleWithPassword(t, admin, pgPassword)
	ingestionPort, reportingPort := freePort(t), freePort(t)
	env := []string{"LOG_LEVEL=debug", "DATABASE_URL=" + dsn, "REDIS_HOST=127.0.0.1", fmt.Sprint("REDIS_PORT=", redis.port),
		"REDIS_PASSWORD=" + redisPassword, fmt.Sprint("INGESTION_PORT=", ingestionPort), fmt.Sprint("REPORTING_PORT=", reportingPort)}

	ingestion := startBinary(t, filepath.Join(bin, "ingestion"), env)
	processor := startBinary(t, filepath.Join(bin, "processor"), env)
	reporting := startBinary(t, filepath.Join(bin, "reporting"), env)
	ingestion.waitFor(t, `"msg":"listening"`)
	processor.waitFor(t, `"msg":"processor started"`)
	reporting.waitFor(t, `"msg":"listening"`)
	ingestionURL, reportingURL := fmt.Sprintf("http://127.0.0.1:%d", ingestionPort), fmt.Sprintf("http://127.0.0.1:%d", reportingPort)
	event := `{"site_id":"s","event_type":"page_view","path":"/","user_id":"u","timestamp":"2025-11-12T10:00:00Z"}`
	require.Equal(t, http.StatusOK, httpStatus(t, http.MethodPost, ingestionURL+"/event?key="+redisPassword, event))
	require.Equal(t, http.StatusOK, httpStatus(t, http.MethodGet, reportingURL+"/stats?site_id=s&date=2025-11-12&key="+pgPassword, ""))

	redis.kill(t)
	terminateConnections(t, admin, role)
	require.Equal(t, http.StatusServiceUnavailable, httpStatus(t, http.MethodPost, ingestionURL+"/event", event))
	require.Equal(t, http.StatusServiceUnavailable, httpStatus(t, http.MethodGet, reportingURL+"/stats?site_id=s&date=2025-11-13", ""))
	ingestion.waitFor(t, "events not queued")
	reporting.waitFor(t, "read stats")
	processor.waitFor(t, `"level":"WARN"`)

	for _, s := range []*binary{ingestion, processor, reporting} {
		out := s.stop(t)
		require.NotContains(t, out, redisPassword, "%s printed the Redis password", s.name)
		require.NotContains(t, out, pgPassword, "%s printed the Postgres password", s.name)
		require.NotContains(t, out, url.QueryEscape(pgPassword))
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			require.True(t, json.Valid([]byte(line)), "%s printed a line that is not JSON: %q", s.name, line)
		}
	}
}

// roleWithPassword creates a service role in the database at dsn with password and returns dsn with its
// credentials, and its name.
func roleWithPassword(t *testing.T, dsn, password string) (string, string) {
	t.Helper()
	u, err := url.Parse(testenv.ServiceRoleURL(t, dsn))
	require.NoError(t, err)
	role := u.User.Username()
	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), "ALTER ROLE "+role+" PASSWORD '"+password+"'")
	require.NoError(t, err)
	u.User = url.UserPassword(role, password)
	return u.String(), role
}

// terminateConnections ends every Postgres connection of role, as a failover or a restart would.
func terminateConnections(t *testing.T, dsn, role string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", role)
	require.NoError(t, err)
}

func httpStatus(t *testing.T, method, target, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	require.NoError(t, err)
	client := http.Client{Timeout: 15 * time.Second}
	res, err := client.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

// privateRedis is a redis-server of the test's own, which it can kill.
type privateRedis struct {
	port int
	cmd  *exec.Cmd
}

func startRedis(t *testing.T, password string) *privateRedis {
	t.Helper()
	r := &privateRedis{port: freePort(t)}
	r.cmd = exec.Command("redis-server", "--port", fmt.Sprint(r.port), "--bind", "127.0.0.1", "--requirepass", password,
		"--save", "", "--appendonly", "no", "--dir", t.TempDir())
	require.NoError(t, r.cmd.Start(), "start redis-server (install it: apt-get install redis-server)")
	t.Cleanup(func() { r.kill(t) })
	return r
}

func (r *privateRedis) kill(*testing.T) {
	if r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}

// binary is a service running as its own process, its output collected.
type binary struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func startBinary(t *testing.T, path string, env []string) *binary {
	t.Helper()
	b := &binary{name: filepath.Base(path), cmd: exec.Command(path), done: make(chan struct{})}
	b.cmd.Env = append(append(os.Environ(), serviceEnv(t)...), env...)
	stderr, err := b.cmd.StderrPipe()
	require.NoError(t, err)
	b.cmd.Stdout = b.cmd.Stderr
	require.NoError(t, b.cmd.Start())
	go func() {
		defer close(b.done)
		lines := bufio.NewScanner(stderr)
		lines.Buffer(nil, 1<<20)
		for lines.Scan() {
			b.mu.Lock()
			b.out.WriteString(lines.Text() + "\n")
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() { _ = b.cmd.Process.Kill() })
	return b
}

func (b *binary) output() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.String()
}

// waitFor waits until the output holds s.
func (b *binary) waitFor(t *testing.T, s string) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(b.output(), s) }, 30*time.Second, 20*time.Millisecond,
		"%s never printed %q; output:\n%s", b.name, s, tail(b.output(), 3000))
}

// stop sends SIGTERM, waits for the process to exit and returns its whole output.
func (b *binary) stop(t *testing.T) string {
	t.Helper()
	require.NoError(t, b.cmd.Process.Signal(syscall.SIGTERM))
	<-b.done
	_ = b.cmd.Wait()
	return b.output()
}

package analytics_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for database/sql
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// exitWithin bounds how long a binary given a setting that can never work may take to exit. A binary
// that retries such a setting never exits at all; this only tells the two apart.
const exitWithin = 30 * time.Second

// TestStartupFailsAtOnce runs the binaries with settings that waiting cannot cure and expects each to
// exit 1 with a message naming the setting to fix, without printing the password it was given.
func TestStartupFailsAtOnce(t *testing.T) {
	t.Parallel()
	bin := buildBinaries(t, "migrate", "processor", "reporting", "ingestion", "analytics")
	withPassword := func(dsn, password string) string {
		return strings.Replace(dsn, "analytics:analytics@", "analytics:"+password+"@", 1)
	}
	redisPort := testenv.RedisWithPassword(t, "the-right-one")

	cases := []struct {
		name   string
		binary string
		env    func(t *testing.T) []string
		want   []string
	}{
		{name: "migrate_malformed_url", binary: "migrate", want: []string{"DATABASE_URL", "invalid port"},
			env: func(*testing.T) []string {
				return []string{"DATABASE_URL=postgres://analytics:secret@localhost:notaport/analytics"}
			}},
		{name: "processor_malformed_url", binary: "processor", want: []string{"DATABASE_URL", "invalid port"},
			env: func(*testing.T) []string {
				return []string{"DATABASE_URL=postgres://analytics:secret@localhost:notaport/analytics"}
			}},
		{name: "reporting_wrong_password", binary: "reporting", want: []string{"DATABASE_URL", "28P01"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + withPassword(testenv.DatabaseURL(t), "secret")}
			}},
		{name: "reporting_missing_database", binary: "reporting", want: []string{"DATABASE_URL", "3D000"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + strings.Replace(testenv.DatabaseURL(t), "/test_", "/missing_", 1)}
			}},
		{name: "migrate_failing_migration", binary: "migrate", want: []string{"DATABASE_URL", "00001_init.sql"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + conflictingDatabase(t)}
			}},
		{name: "analytics_failing_migration", binary: "analytics", want: []string{"DATABASE_URL", "00001_init.sql"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + conflictingDatabase(t), "BROKER=memory"}
			}},
		{name: "reporting_schema_behind", binary: "reporting", want: []string{"DATABASE_URL", "schema is at version", "migrate"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + databaseAtVersion(t, latestMigration(t)-1)}
			}},
		{name: "processor_schema_never_migrated", binary: "processor", want: []string{"DATABASE_URL", "schema is at version 0", "migrate"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + testenv.EmptyDatabaseURL(t)}
			}},
		{name: "processor_poison_table_missing", binary: "processor",
			want: []string{"POISON_TOPIC=teststartupfailsatonce_processor_poison_table_missing",
				"watermill_teststartupfailsatonce_processor_poison_table_missing", "run the migrations"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + testenv.DatabaseURL(t)}
			}},
		{name: "processor_zero_statement_timeout", binary: "processor", want: []string{"PG_STATEMENT_TIMEOUT"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + testenv.DatabaseURL(t), "PG_STATEMENT_TIMEOUT=0"}
			}},
		{name: "reporting_zero_shutdown_timeout", binary: "reporting", want: []string{"SHUTDOWN_TIMEOUT"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + testenv.DatabaseURL(t), "SHUTDOWN_TIMEOUT=0"}
			}},
		{name: "analytics_zero_cache_staleness", binary: "analytics", want: []string{"STATS_CACHE_MAX_STALENESS"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + testenv.DatabaseURL(t), "BROKER=memory", "STATS_CACHE_MAX_STALENESS=0"}
			}},
		{name: "ingestion_malformed_redis_host", binary: "ingestion", want: []string{"REDIS_HOST"},
			env: func(*testing.T) []string {
				return []string{"REDIS_HOST=redis://localhost"}
			}},
		{name: "ingestion_bad_trusted_proxies", binary: "ingestion", want: []string{"TRUSTED_PROXIES", "10.0.0.0/33"},
			env: func(*testing.T) []string {
				return []string{"TRUSTED_PROXIES=192.168.0.0/16,10.0.0.0/33"}
			}},
		{name: "processor_wrong_redis_password", binary: "processor", want: []string{"REDIS_PASSWORD", "WRONGPASS"},
			env: func(t *testing.T) []string {
				return []string{"DATABASE_URL=" + processorDatabase(t), "REDIS_HOST=127.0.0.1",
					fmt.Sprint("REDIS_PORT=", redisPort), "REDIS_PASSWORD=secret"}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out := runToExit(t, filepath.Join(bin, tc.binary), tc.env(t))
			require.Equal(t, 1, code, "exit code; output:\n%s", out)
			for _, want := range tc.want {
				require.Contains(t, out, want)
			}
			require.NotContains(t, out, "secret", "the password must be masked")
		})
	}
}

// TestStartupWaitsForUnreachablePostgres checks that a Postgres that does not answer yet is waited for:
// the processor keeps retrying until it is stopped, and then exits 0.
func TestStartupWaitsForUnreachablePostgres(t *testing.T) {
	t.Parallel()
	bin := buildBinaries(t, "processor")
	port := freePort(t)
	cmd := exec.Command(filepath.Join(bin, "processor"))
	cmd.Env = append(os.Environ(), serviceEnv(t)...)
	cmd.Env = append(cmd.Env, fmt.Sprintf("DATABASE_URL=postgres://analytics:analytics@127.0.0.1:%d/analytics?sslmode=disable", port))
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	retries := 0
	lines := bufio.NewScanner(stderr)
	for retries < 3 && lines.Scan() {
		if strings.Contains(lines.Text(), "retrying") {
			retries++
		}
	}
	require.Equal(t, 3, retries, "the processor stopped retrying: %v", lines.Err())
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	_, _ = io.Copy(io.Discard, stderr)
	require.NoError(t, cmd.Wait(), "stopped while waiting for Postgres, the processor must exit 0")
}

// runToExit runs binary with env added and returns its exit code and output; the test fails when the
// binary is still running after exitWithin.
func runToExit(t *testing.T, binary string, env []string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), exitWithin)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = append(append(os.Environ(), serviceEnv(t)...), env...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s still running after %s, retrying what cannot succeed; output:\n%s", filepath.Base(binary), exitWithin, tail(string(out), 1500))
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), string(out)
	}
	require.NoError(t, err)
	return 0, string(out)
}

// serviceEnv keeps the services off fixed ports and off the default stream, consumer group and poison
// topic.
func serviceEnv(t *testing.T) []string {
	name := serviceName(t)
	return []string{"INGESTION_PORT=0", "REPORTING_PORT=0", "METRICS_PORT=0", "LOG_LEVEL=info",
		"REDIS_STREAM_NAME=" + name, "REDIS_CONSUMER_GROUP=" + name, "POISON_TOPIC=" + name}
}

// serviceName is the test's stream, consumer group and poison topic in serviceEnv.
func serviceName(t *testing.T) string {
	return strings.ToLower(strings.NewReplacer("/", "_").Replace(t.Name()))
}

// processorDatabase returns a fresh database as the migrate command leaves it with serviceEnv's
// POISON_TOPIC, which the processor checks at start-up.
func processorDatabase(t *testing.T) string {
	t.Helper()
	dsn := testenv.DatabaseURL(t)
	testenv.PoisonTable(t, dsn, serviceName(t))
	return dsn
}

// buildBinaries compiles the named commands into a directory of the test and returns it.
func buildBinaries(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	args := []string{"build", "-o", dir + string(os.PathSeparator)}
	for _, name := range names {
		args = append(args, "./cmd/"+name)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return dir
}

// conflictingDatabase returns a fresh database holding a table that the first migration creates, so
// that the migration fails.
func conflictingDatabase(t *testing.T) string {
	t.Helper()
	dsn := testenv.EmptyDatabaseURL(t)
	db := openDB(t, dsn)
	_, err := db.Exec("CREATE TABLE events (unrelated int)")
	require.NoError(t, err)
	return dsn
}

// databaseAtVersion returns a fresh database with the real migrations applied up to version.
func databaseAtVersion(t *testing.T, version int64) string {
	t.Helper()
	dsn := testenv.EmptyDatabaseURL(t)
	provider, err := goose.NewProvider(goose.DialectPostgres, openDB(t, dsn), os.DirFS("migrations"))
	require.NoError(t, err)
	_, err = provider.UpTo(context.Background(), version)
	require.NoError(t, err)
	return dsn
}

// latestMigration is the highest version among the migration files.
func latestMigration(t *testing.T) int64 {
	t.Helper()
	names, err := fs.Glob(os.DirFS("migrations"), "*.sql")
	require.NoError(t, err)
	var latest int64
	for _, name := range names {
		version, err := goose.NumericComponent(name)
		require.NoError(t, err)
		latest = max(latest, version)
	}
	require.Greater(t, latest, int64(1), "the schema check needs at least two migrations to test")
	return latest
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

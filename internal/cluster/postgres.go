package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres is a private Postgres server on a data directory of its own, trusting local connections.
type Postgres struct {
	proc    process
	dataDir string
	port    int
	// URL connects to the "analytics" database as the superuser "analytics".
	URL string
}

// StartPostgres initialises a cluster in dir (which must be reachable by the postgres user when running
// as root) and starts it on port with fsync on.
func StartPostgres(dir string, port int) (*Postgres, error) {
	initdb, err := pgBinary("initdb")
	if err != nil {
		return nil, err
	}
	postgres, err := pgBinary("postgres")
	if err != nil {
		return nil, err
	}
	cred, err := postgresCredential()
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(dir, "pgdata")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("postgres dir: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, fmt.Errorf("chown postgres dir: %w", err)
		}
	}
	init := exec.Command(initdb, "-D", dataDir, "-U", "analytics", "-A", "trust", "-N", "-E", "UTF8", "--locale=C")
	init.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := init.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	pg := &Postgres{
		dataDir: dataDir,
		port:    port,
		URL:     fmt.Sprintf("postgres://analytics@127.0.0.1:%d/analytics?sslmode=disable", port),
		proc: process{
			name: "postgres",
			args: []string{postgres, "-D", dataDir, "-p", strconv.Itoa(port), "-k", dir,
				"-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "max_connections=200"},
			log:  filepath.Join(dir, "postgres.log"),
			cred: cred,
		},
	}
	if err := pg.Start(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://analytics@127.0.0.1:%d/postgres?sslmode=disable", port))
	if err != nil {
		return nil, fmt.Errorf("connect to new postgres: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE analytics"); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	return pg, nil
}

// Start runs the server on its data directory and waits until it accepts connections.
func (p *Postgres) Start() error {
	if err := p.proc.start(); err != nil {
		return err
	}
	if err := p.proc.waitTCP(p.port, 60*time.Second); err != nil {
		return err
	}
	return p.waitAccepting(60 * time.Second)
}

// waitAccepting waits until the server accepts sessions (it listens before recovery has finished).
func (p *Postgres) waitAccepting(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	url := fmt.Sprintf("postgres://analytics@127.0.0.1:%d/postgres?sslmode=disable", p.port)
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postgres does not accept sessions: %w; see %s", err, p.proc.log)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// RestartImmediate stops the server in immediate mode (no checkpoint, crash recovery on start, as after
// a power cut of the process) and starts it again.
func (p *Postgres) RestartImmediate() error {
	if _, err := p.proc.signal(syscall.SIGQUIT, 30*time.Second); err != nil {
		return err
	}
	return p.Start()
}

// Stop shuts the server down fast.
func (p *Postgres) Stop() {
	if _, err := p.proc.signal(syscall.SIGINT, 30*time.Second); err != nil {
		p.proc.stop()
	}
}

// pgBinary finds a Postgres server program on PATH or in Debian's versioned directories.
func pgBinary(name string) (string, error) {
	if path, err := exec.LookPath(name); err == nil {
		return path, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found on PATH or in /usr/lib/postgresql/*/bin: install the PostgreSQL server (apt-get install postgresql)", name)
}

// postgresCredential is the unprivileged user to run Postgres as when this process is root (Postgres
// refuses to run as root), or nil.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres user to run Postgres as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

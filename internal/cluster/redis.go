package cluster

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Redis is a private Redis server with AOF persistence (appendfsync everysec) in a directory of its own.
type Redis struct {
	proc process
	// Port is where it listens on 127.0.0.1.
	Port int
}

// StartRedis starts redis-server on port with its data in dir.
func StartRedis(dir string, port int) (*Redis, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found on PATH: install it (apt-get install redis-server): %w", err)
	}
	r := &Redis{
		Port: port,
		proc: process{
			name: "redis",
			args: []string{bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
				"--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no"},
			log: filepath.Join(dir, "redis.log"),
		},
	}
	if err := r.Start(); err != nil {
		return nil, err
	}
	return r, nil
}

// Start runs the server on its directory (replaying the AOF) and waits until it accepts connections.
func (r *Redis) Start() error {
	if err := r.proc.start(); err != nil {
		return err
	}
	return r.proc.waitTCP(r.Port, 30*time.Second)
}

// Kill9 kills the server without giving it any chance to save.
func (r *Redis) Kill9() error {
	_, err := r.proc.signal(syscall.SIGKILL, 10*time.Second)
	return err
}

// Stop kills the server; for cleanup.
func (r *Redis) Stop() {
	r.proc.stop()
}

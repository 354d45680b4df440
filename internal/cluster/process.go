// Package cluster starts real Postgres, Redis and the pipeline's own binaries as child processes, so
// that fault tests and benchmarks can kill, restart and measure them.
package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// process is one child process that can be started again with the same command line.
type process struct {
	name string
	args []string
	env  []string
	log  string
	cred *syscall.Credential
	cmd  *exec.Cmd
	done chan error
}

// start runs the command, appending its output to the log file.
func (p *process) start() error {
	logFile, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log of %s: %w", p.name, err)
	}
	cmd := exec.Command(p.args[0], p.args[1:]...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: p.cred, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.cmd = cmd
	p.done = make(chan error, 1)
	go func() {
		p.done <- cmd.Wait()
		logFile.Close()
	}()
	return nil
}

// signal sends sig and waits up to timeout for the exit; it returns the exit code (-1 when killed by a
// signal) or an error when the process outlived the timeout.
func (p *process) signal(sig syscall.Signal, timeout time.Duration) (int, error) {
	if p.cmd == nil {
		return 0, fmt.Errorf("%s is not running", p.name)
	}
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return 0, fmt.Errorf("signal %s: %w", p.name, err)
	}
	select {
	case err := <-p.done:
		p.cmd = nil
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), nil
		}
		return 0, err
	case <-time.After(timeout):
		return 0, fmt.Errorf("%s still running %s after %s", p.name, timeout, sig)
	}
}

// stop kills the process if it still runs; for cleanup.
func (p *process) stop() {
	if p.cmd != nil {
		_, _ = p.signal(syscall.SIGKILL, 10*time.Second)
	}
}

// waitTCP waits until something accepts connections on port, or the process exits, or timeout passes.
func (p *process) waitTCP(port int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case err := <-p.done:
			p.cmd = nil
			return fmt.Errorf("%s exited while starting (%v); see %s", p.name, err, p.log)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s does not listen on %d after %s; see %s", p.name, port, timeout, p.log)
}

// Ports for the processes come from below Linux's ephemeral range (32768 and up), so that no outgoing
// connection and no :0 listener elsewhere can take one between FreePort and the process binding it.
const (
	lowestPort  = 10000
	highestPort = 32000
)

var (
	portsMu sync.Mutex
	given   = map[int]bool{}
)

// FreePort returns a TCP port that nothing listens on right now and that this process has not handed
// out before.
func FreePort() (int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 1000 {
		port := lowestPort + rand.IntN(highestPort-lowestPort)
		if given[port] {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		ln.Close()
		given[port] = true
		return port, nil
	}
	return 0, errors.New("no free port between 10000 and 32000")
}

package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Build compiles the pipeline's commands into dir and returns dir. root is the module's directory.
func Build(root, dir string) (string, error) {
	cmd := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "./cmd/...")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return dir, nil
}

// ModuleRoot returns the directory of the go.mod enclosing the working directory.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the module")
	}
	return filepath.Dir(gomod), nil
}

// Service is one of the pipeline's binaries running as a child process.
type Service struct {
	proc process
	port int
	// morePorts are further ports Start waits for (the all-in-one process serves two).
	morePorts []int
}

// NewService prepares binary from binDir with env (KEY=VALUE) added to this process's environment,
// logging to logDir/<name>.log. port is the HTTP port it serves, or 0.
func NewService(binDir, name, logDir string, port int, env ...string) *Service {
	return &Service{
		port: port,
		proc: process{name: name, args: []string{filepath.Join(binDir, name)}, env: env, log: filepath.Join(logDir, name+".log")},
	}
}

// WithArgs sets the command-line arguments the binary is started with.
func (s *Service) WithArgs(args ...string) *Service {
	s.proc.args = append(s.proc.args[:1], args...)
	return s
}

// alsoWaitingFor makes Start wait until the service listens on ports too.
func (s *Service) alsoWaitingFor(ports ...int) *Service {
	s.morePorts = append(s.morePorts, ports...)
	return s
}

// Start runs the service and, when it serves HTTP, waits until it listens.
func (s *Service) Start() error {
	if err := s.proc.start(); err != nil {
		return err
	}
	if s.port == 0 {
		return nil
	}
	for _, port := range append([]int{s.port}, s.morePorts...) {
		if err := s.proc.waitTCP(port, serviceWait); err != nil {
			return err
		}
	}
	return nil
}

// Kill9 kills the service at once.
func (s *Service) Kill9() error {
	_, err := s.proc.signal(syscall.SIGKILL, 10*time.Second)
	return err
}

// Terminate sends SIGTERM and returns the exit code, failing if the service outlives timeout.
func (s *Service) Terminate(timeout time.Duration) (int, error) {
	return s.proc.signal(syscall.SIGTERM, timeout)
}

// Stop kills the service if it runs; for cleanup.
func (s *Service) Stop() {
	s.proc.stop()
}

// Log returns the path of the service's log file.
func (s *Service) Log() string {
	return s.proc.log
}

// PeakRSS returns the most resident memory the running service has used so far (VmHWM), in bytes.
func (s *Service) PeakRSS() (int64, error) {
	if s.proc.cmd == nil {
		return 0, fmt.Errorf("%s is not running", s.proc.name)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.proc.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("read status of %s: %w", s.proc.name, err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb); err != nil {
				return 0, fmt.Errorf("parse VmHWM of %s: %w", s.proc.name, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM for %s", s.proc.name)
}

// Running reports whether the service was started and has not been stopped.
func (s *Service) Running() bool {
	return s.proc.cmd != nil
}

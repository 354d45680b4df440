package reporting_test

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// silentProxy forwards TCP connections to a target until it goes silent: from then on it holds every
// byte in both directions and closes nothing, as a network path does that died without a reset (a
// half-open connection, a host that vanished). New connections are accepted and hang the same way.
type silentProxy struct {
	ln     net.Listener
	target string
	silent atomic.Bool
	closed atomic.Bool

	mu    sync.Mutex
	conns []net.Conn
}

// newSilentProxy listens on a free local port and forwards to target until the test ends.
func newSilentProxy(t testing.TB, target string) *silentProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &silentProxy{ln: ln, target: target}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// port is the port the proxy listens on.
func (p *silentProxy) port() uint16 {
	return uint16(p.ln.Addr().(*net.TCPAddr).Port)
}

func (p *silentProxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		go p.pipe(server, client)
		go p.pipe(client, server)
	}
}

// pipe copies src to dst, holding what it read while the proxy is silent.
func (p *silentProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for p.silent.Load() && !p.closed.Load() {
			time.Sleep(5 * time.Millisecond)
		}
		if n > 0 && !p.closed.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil || p.closed.Load() {
			return
		}
	}
}

func (p *silentProxy) close() {
	p.closed.Store(true)
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

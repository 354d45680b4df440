package httpapi_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rawResponse is one answer read off a raw connection.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// answers is what a server sent back on one connection.
type answers struct {
	responses []rawResponse
	closed    bool          // the server closed the connection
	after     time.Duration // when the last answer or the close came, from the first byte written
}

// exchange writes raw to a new connection to addr and reads up to want answers, then whether the server
// closes the connection if the last answer said it would. An error means the client's deadline passed
// first: the server hung.
func exchange(addr, raw string, want int, deadline time.Duration) (answers, error) {
	return trickle(addr, raw, "", 0, want, deadline)
}

// trickle writes head to a new connection to addr, then drip every interval until a write fails or the
// answers are in, and reads answers as exchange does.
func trickle(addr, head, drip string, interval time.Duration, want int, deadline time.Duration) (answers, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return answers{}, fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	start := time.Now()
	if err := conn.SetDeadline(start.Add(deadline)); err != nil {
		return answers{}, err
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		// The server may answer and close before it has read everything: write errors are expected.
		if _, err := io.WriteString(conn, head); err != nil || drip == "" {
			return
		}
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := io.WriteString(conn, drip); err != nil {
					return
				}
			}
		}
	}()
	return read(conn, want, start)
}

func read(conn net.Conn, want int, start time.Time) (answers, error) {
	var a answers
	br := bufio.NewReader(conn)
	for len(a.responses) < want {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			return a.closedOr(err, start)
		}
		if res.StatusCode < 200 {
			continue // 100 Continue: the answer follows
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return a.closedOr(err, start)
		}
		a.responses = append(a.responses, rawResponse{status: res.StatusCode, header: res.Header, body: body})
		a.after = time.Since(start)
		if res.Close {
			_, err := br.ReadByte()
			return a.closedOr(err, start)
		}
	}
	return a, nil
}

// closedOr records a connection the server closed, or returns err when it was anything else.
func (a answers) closedOr(err error, start time.Time) (answers, error) {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		a.closed = true
		a.after = time.Since(start)
		return a, nil
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return a, fmt.Errorf("no answer and no close before the client's deadline (%d answers so far): %w", len(a.responses), err)
	}
	return a, err
}

// requireRefused checks the answers to one hostile request: a 4xx with a JSON body in the seed's error
// shape, or a closed connection; never a 5xx, never a hang. net/http itself answers a request it cannot
// parse (headers over MaxHeaderBytes, a malformed request line) before any handler runs, in plain text,
// and closes the connection; that is accepted only when protocol says so.
func requireRefused(t *testing.T, a answers, err error, protocol bool) {
	t.Helper()
	t.Logf("DEBUG closed=%v after=%v err=%v", a.closed, a.after, err)
	for _, r := range a.responses {
		t.Logf("DEBUG %d %s %.150q closed=%v", r.status, r.header.Get("Content-Type"), r.body, a.closed)
	}
	require.NoError(t, err)
	if len(a.responses) == 0 {
		require.True(t, a.closed)
		return
	}
	for _, r := range a.responses {
		require.GreaterOrEqual(t, r.status, 400, "body: %.300q", r.body)
		require.Less(t, r.status, 500, "body: %.300q", r.body)
		if protocol && strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			require.True(t, a.closed, "net/http's own answer closes the connection")
			continue
		}
		requireJSONError(t, r)
	}
}

// requireAnswered checks answers that may be successes: never a 5xx, always JSON.
func requireAnswered(t *testing.T, a answers, err error, want int) {
	t.Helper()
	require.NoError(t, err)
	require.Len(t, a.responses, want)
	for _, r := range a.responses {
		require.Less(t, r.status, 500, "body: %.300q", r.body)
		require.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"), "body: %.300q", r.body)
		require.True(t, json.Valid(r.body), "body: %.300q", r.body)
	}
}

// requireJSONError checks the seed's error shape.
func requireJSONError(t *testing.T, r rawResponse) {
	t.Helper()
	require.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"), "status %d, body: %.300q", r.status, r.body)
	var body struct {
		Error []string `json:"error"`
	}
	require.NoError(t, json.Unmarshal(r.body, &body), "body: %.300q", r.body)
	require.NotEmpty(t, body.Error, "body: %.300q", r.body)
}

// request renders a raw HTTP/1.1 request with a Content-Length when body is not empty.
func request(method, target, body string, headers ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: test\r\n", method, target)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n" + body)
	return b.String()
}

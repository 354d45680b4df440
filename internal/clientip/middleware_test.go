package clientip_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/clientip"
)

// TestMiddlewareOverRealServer sends requests over TCP to a real HTTP server, so the peer is the
// loopback address the kernel reports, and reads back the address From gives the handler.
func TestMiddlewareOverRealServer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		trusted string
		header  http.Header
		want    string
	}{
		{name: "trust_none_ignores_spoofed_xff", trusted: "",
			header: http.Header{"X-Forwarded-For": {"198.51.100.9"}}, want: "127.0.0.1"},
		{name: "untrusted_peer_ignores_spoofed_forwarded", trusted: "10.0.0.0/8",
			header: http.Header{"Forwarded": {"for=198.51.100.9"}}, want: "127.0.0.1"},
		{name: "trusted_peer_client_from_xff", trusted: "127.0.0.0/8",
			header: http.Header{"X-Forwarded-For": {"6.6.6.6, 198.51.100.9"}}, want: "198.51.100.9"},
		{name: "trusted_peer_client_from_forwarded", trusted: "127.0.0.1",
			header: http.Header{"Forwarded": {`for="[2001:db8:cafe::17]:4711"`}}, want: "2001:db8:cafe::17"},
		{name: "trusted_peer_garbage_header", trusted: "127.0.0.0/8",
			header: http.Header{"Forwarded": {`for="[2001:db8:cafe::17`}}, want: "127.0.0.1"},
		{name: "trusted_peer_without_header", trusted: "127.0.0.0/8", header: http.Header{}, want: "127.0.0.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var trusted clientip.Trusted
			require.NoError(t, trusted.UnmarshalText([]byte(tc.trusted)))
			echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, clientip.From(r).String())
			})
			srv := httptest.NewServer(clientip.Middleware(trusted)(echo))
			t.Cleanup(srv.Close)

			req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
			require.NoError(t, err)
			req.Header = tc.header
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, tc.want, string(body))
		})
	}
}

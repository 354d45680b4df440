package ingestion_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/clientip"
)

// TestRoutesResolveClientBehindTrustedProxy serves the ingestion routes over TCP with the loopback
// network trusted, adds a route that answers what clientip.From gives a handler of these routes, and
// checks that the client comes from X-Forwarded-For, and that a garbage Forwarded header changes
// nothing for POST /event.
func TestRoutesResolveClientBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	broker := memoryBroker(t)
	api := ingestion.NewAPI(broker.Publisher(), broker.Topic(), broker.Ready, slog.New(slog.DiscardHandler))
	t.Cleanup(api.Close)
	var trusted clientip.Trusted
	require.NoError(t, trusted.UnmarshalText([]byte("127.0.0.0/8,::1")))
	api.TrustProxies(trusted)
	routes, ok := api.Routes().(chi.Router)
	require.True(t, ok, "Routes is a chi router")
	routes.Get("/test/client", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, clientip.From(r).String())
	})
	srv := httptest.NewServer(routes)
	t.Cleanup(srv.Close)

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/test/client", nil)
	require.NoError(t, err)
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.9, 127.0.0.2")
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, "198.51.100.9", string(body))

	req, err = http.NewRequest(http.MethodPost, srv.URL+"/event", strings.NewReader(eventJSON(nil)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", jsonType)
	req.Header.Set("Forwarded", `for="[::1;by=`)
	res, err = srv.Client().Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

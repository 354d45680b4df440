package allinone_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// TestOpenAPIOnBothPorts runs the all-in-one process: its ingestion port answers GET /openapi.json with
// ingestion's document and its reporting port with reporting's, as the services alone do.
func TestOpenAPIOnBothPorts(t *testing.T) {
	t.Parallel()
	ingestURL, reportURL := serveAllInOne(t)

	for service, url := range map[openapi.Service]string{openapi.Ingestion: ingestURL, openapi.Reporting: reportURL} {
		var res *http.Response
		var err error
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if res, err = http.Get(url + "/openapi.json"); err == nil {
				break
			}
		}
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", service, body)
		want, err := openapi.Document(service)
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(body), "%s", service)
	}
}

package allinone_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDashboardOnReportingPort checks that the all-in-one process serves the dashboard where reporting
// alone does: GET / on its reporting port.
func TestDashboardOnReportingPort(t *testing.T) {
	t.Parallel()
	_, reportURL := serveAllInOne(t)
	var res *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err = http.Get(reportURL + "/"); err == nil {
			break
		}
	}
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	require.Contains(t, string(body), `<script type="module" src="/dashboard/app.js">`)
}

package reporting_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDashboardIsServed checks that GET / answers the dashboard's page, that every asset the page loads
// is served from reporting itself with its type, that the browser is told to load nothing from another
// host, and that a revalidation with the ETag is answered 304.
func TestDashboardIsServed(t *testing.T) {
	t.Parallel()
	url := newServer(t)
	page := get(t, url, "/", "")
	require.Equal(t, http.StatusOK, page.status, "body: %.200s", page.body)
	require.Equal(t, "text/html; charset=utf-8", page.contentType)
	require.Contains(t, string(page.body), `<div id="figures"`)

	assets := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(page.body), -1)
	require.NotEmpty(t, assets)
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	for _, m := range assets {
		path := m[1]
		require.Regexp(t, `^/dashboard/[a-z]+\.(js|css)$`, path, "the page loads only reporting's own assets")
		r := get(t, url, path, "")
		require.Equal(t, http.StatusOK, r.status, "%s: %.200s", path, r.body)
		require.Equal(t, types[regexp.MustCompile(`\.[a-z]+$`).FindString(path)], r.contentType, path)
	}

	res, err := http.Get(url + "/")
	require.NoError(t, err)
	res.Body.Close()
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'self'")
	etag := res.Header.Get("ETag")
	require.NotEmpty(t, etag)
	req, err := http.NewRequest(http.MethodGet, url+"/", nil)
	require.NoError(t, err)
	req.Header.Set("If-None-Match", etag)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNotModified, res.StatusCode)

	require.Equal(t, http.StatusNotFound, get(t, url, "/dashboard/missing.js", "").status)
}

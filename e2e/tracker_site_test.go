package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/apikeys"
	"github.com/analytics-pipeline/analytics/internal/sites"
)

// The browser tests serve their pages on 127.0.0.1 and open them as http://site.localhost:PORT: Chromium
// resolves every *.localhost name to the loopback address by itself (no --host-resolver-rules, no
// /etc/hosts), while the trackers' localhost rule (^localhost$, 127.x, [::1]) does not match the name.
// The page's origin then differs from ingestion's (http://127.0.0.1:PORT), as a real site's does, and
// the trackers run their default path, the one that skips local pages, without an opt-in.
const siteHost = "site.localhost"

// siteOrigins are the two addresses of one test site's server: as a site (http://site.localhost:PORT)
// and as a local page the trackers skip (http://127.0.0.1:PORT).
type siteOrigins struct {
	site     string
	loopback string
}

// serveTestSite serves h on 127.0.0.1 until the test ends.
func serveTestSite(t *testing.T, h http.Handler) siteOrigins {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	return siteOrigins{site: "http://" + siteHost + ":" + port, loopback: srv.URL}
}

// trackerPage is the one-page app of testdata/tracker-site.html, whatever the path (as an SPA's server
// answers), with the tracker of scriptURL. The query picks the page's variant: domain (data-domain),
// local=1 (data-local), hash=1 (data-hash), human=1 (window.__plausible, see the page).
func trackerPage(t *testing.T, scriptURL string) http.Handler {
	t.Helper()
	page := template.Must(template.ParseFiles("testdata/tracker-site.html"))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		err := page.Execute(w, map[string]any{"Domain": q.Get("domain"), "Script": scriptURL,
			"Local": q.Get("local") == "1", "Hash": q.Get("hash") == "1", "Human": q.Get("human") == "1"})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
}

// keyedSite registers site in UTC with an API key for it, which it returns: the browser tests read a
// site with a key, as a private site is read (publicSites registers those read without one).
func keyedSite(t *testing.T, databaseURL, site string) string {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, databaseURL)
	require.NoError(t, err)
	defer pool.Close()
	_, err = sites.NewStore(pool).Create(ctx, site, "UTC")
	require.NoError(t, err)
	_, key, err := apikeys.NewStore(pool).Create(ctx, "browser test", site)
	require.NoError(t, err)
	return key
}

// allowOrigins lets only the browsers of the comma-separated origins send site's events.
func allowOrigins(t *testing.T, databaseURL, site, origins string) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, databaseURL)
	require.NoError(t, err)
	defer pool.Close()
	list, err := sites.ParseOrigins(origins)
	require.NoError(t, err)
	_, err = sites.NewStore(pool).SetAllowedOrigins(ctx, site, list)
	require.NoError(t, err)
}

// statsQuery is one POST /api/v2/query of a browser test and the results it must reach.
type statsQuery struct {
	name string
	body string
	want string
}

// todayRange is a date_range from yesterday to tomorrow (UTC), which holds the events a test sends now
// even when midnight passes while it runs.
func todayRange() string {
	now := time.Now().UTC()
	return fmt.Sprintf(`["%s","%s"]`, now.AddDate(0, 0, -1).Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly))
}

// waitForKeyedQuery posts q.body to the query API (with key when not empty) until its results equal
// q.want, failing with the last answer after a generous bound: the processor projects asynchronously.
func waitForKeyedQuery(t *testing.T, reportingURL, key string, q statsQuery) {
	t.Helper()
	var last string
	ok := assert.Eventually(t, func() bool {
		req, err := http.NewRequest(http.MethodPost, reportingURL+"/api/v2/query", strings.NewReader(q.body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var answer struct {
			Results json.RawMessage `json:"results"`
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal(raw, &answer) != nil {
			last = fmt.Sprintf("%d %s", res.StatusCode, raw)
			return false
		}
		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, answer.Results))
		last = compact.String()
		return last == q.want
	}, 60*time.Second, 100*time.Millisecond)
	if !ok {
		t.Fatalf("query %s never answered\nwant %s\nlast %s", q.name, q.want, last)
	}
}

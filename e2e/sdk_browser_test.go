package e2e_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/browsertest"
)

// sentCall is what the page lists of each call it made (window.sent).
type sentCall struct {
	Type      string `json:"type"`
	MessageID string `json:"messageId"`
	Failed    bool   `json:"failed"`
}

// TestSegmentAnalyticsNextInABrowserIsCountedExactly: a page bundling @segment/analytics-next 1.84.3
// from npm, its CDN settings given in the page and apiHost pointing at ingestion (through a recording
// proxy, on another origin), is loaded in headless Chromium and sends page, track and, after a pushState,
// page again; the query API counts exactly those, each messageId is stored once, and the page asked no
// host but its own and ingestion's (cdn.segment.com and api.segment.io included).
func TestSegmentAnalyticsNextInABrowserIsCountedExactly(t *testing.T) {
	t.Parallel()
	start := time.Now()
	const site = "segment-browser.example"
	dir := installSDKs(t)
	p := startSDKPipeline(t)
	key := sdkSource(t, p.databaseURL, site)
	proxy := startSDKProxy(t, p.ingestionURL, 0)
	proxyURL, err := url.Parse(proxy.URL)
	require.NoError(t, err)
	pages := httptest.NewServer(analyticsNextSite(t, dir, key, proxyURL.Host+"/v1"))
	t.Cleanup(pages.Close)
	pagesURL, err := url.Parse(pages.URL)
	require.NoError(t, err)

	tab := browsertest.Tab(t, 50*time.Second)
	var mu sync.Mutex
	var asked []string
	require.NoError(t, chromedp.Listen(tab, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, ev.Request.URL)
		}
	}))
	// Checked also when a step below fails: a library that waits for cdn.segment.com stalls.
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, u := range asked {
			parsed, err := url.Parse(u)
			if assert.NoError(t, err) && parsed.Scheme != "data" && parsed.Scheme != "blob" {
				assert.Contains(t, []string{pagesURL.Host, proxyURL.Host}, parsed.Host, "the page asked another host: %s", u)
			}
		}
		t.Logf("requests of the page: %v; requests the proxy passed: %v", asked, proxy.Requests())
	}()
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(pages.URL+"/pricing")))
	_, err = chromedp.Run(tab, chromedp.Poll[bool](`typeof window.run === 'function'`, chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "the bundle did not load")
	require.NoError(t, chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](
		`window.run().then(() => { window.done = 'ok' }, (err) => { window.done = String(err) })`)))
	done, err := chromedp.Run(tab, chromedp.Poll[string](`window.done`, chromedp.WithPollingTimeout(15*time.Second)))
	require.NoError(t, err, "run() never finished")
	require.Equal(t, "ok", done, "run()")
	sent, err := chromedp.Run(tab, chromedp.Evaluate[[]sentCall](`window.sent`))
	require.NoError(t, err)
	browsertest.Screenshot(t, tab, "sent")

	require.Len(t, sent, 3, "calls the page made: %+v", sent)
	var ids []string
	for i, want := range []string{"page", "track", "page"} {
		require.Equal(t, want, sent[i].Type)
		require.False(t, sent[i].Failed, "the library gave up on its %s call", want)
		ids = append(ids, sent[i].MessageID)
	}
	// The library hands a call back once it made its first request; one answered with an error is
	// retried later, so delivery is read from the proxy.
	if !assert.Eventually(t, func() bool { return proxy.Delivered(ids...) }, 20*time.Second, 50*time.Millisecond) {
		t.Fatalf("ingestion never took every call of the page %v; requests: %v", ids, proxy.Requests())
	}
	waitForDrained(t, p)
	waitForQuery(t, p.reportingURL, sdkQuery(site, `"metrics":["visitors","pageviews"]`),
		`[{"metrics":[1,2],"dimensions":[]}]`)
	waitForQuery(t, p.reportingURL, sdkQuery(site, `"metrics":["events"],"dimensions":["event:name"],"order_by":[["event:name","asc"]]`),
		`[{"metrics":[1],"dimensions":["Signup"]},{"metrics":[2],"dimensions":["pageview"]}]`)
	waitForQuery(t, p.reportingURL, sdkQuery(site, `"metrics":["pageviews"],"dimensions":["event:page"],"filters":[["is","event:name",["pageview"]]],"order_by":[["event:page","asc"]]`),
		`[{"metrics":[1],"dimensions":["/docs"]},{"metrics":[1],"dimensions":["/pricing"]}]`)
	waitForQuery(t, p.reportingURL, sdkQuery(site, `"metrics":["events"],"dimensions":["event:props:plan"],"filters":[["is","event:name",["Signup"]]]`),
		`[{"metrics":[1],"dimensions":["pro"]}]`)
	requireStoredOnce(t, p.databaseURL, site, proxy, map[string]int{"page_view": 2, "Signup": 1})
	require.ElementsMatch(t, ids, slices.Collect(maps.Keys(proxy.Seen())), "messageIds the page listed and the proxy passed")
	t.Logf("%s: %s in all", t.Name(), time.Since(start).Round(time.Millisecond))
}

// analyticsNextSite serves the fixture's page, whatever the path, configured with writeKey and apiHost
// (host:port/v1, where analytics-next posts /t, /p and the others), and its bundle at /dist/.
func analyticsNextSite(t *testing.T, dir, writeKey, apiHost string) http.Handler {
	t.Helper()
	page := template.Must(template.ParseFiles(filepath.Join(dir, "browser", "index.html")))
	mux := http.NewServeMux()
	mux.Handle("GET /dist/", http.FileServer(http.Dir(dir)))
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, map[string]string{"WriteKey": writeKey, "APIHost": apiHost}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	return mux
}

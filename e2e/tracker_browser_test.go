package e2e_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/browsertest"
	"github.com/analytics-pipeline/analytics/messaging"
)

// answerTo is a page expression: what the tracker answered the page's call plausible(name), once it
// has: "skipped" (the callback had no argument), the HTTP status of the event, or "error" (no response).
func answerTo(name string) string {
	return fmt.Sprintf(`(function (a) { return a && (a[1] === undefined ? 'skipped' : a[1].status ? String(a[1].status) : 'error') })`+
		`(answers.find(function (a) { return a[0] === %q }))`, name)
}

// TestTrackerScriptInABrowserIsCountedExactly: a site on its own origin loads /js/script.js from
// ingestion, is browsed as a one-page app (load, two pushState links, Back), and calls
// plausible("Signup", {props: {plan: "pro"}}); the query API then counts exactly those 4 pageviews, the
// queued and the Signup event with its prop, 1 visitor and 1 visit. Before that, the same page sends
// nothing from 127.0.0.1, from an automated browser, or with localStorage.plausible_ignore, and is
// counted from 127.0.0.1 with data-local; with data-hash a hash route is a pageview of its own path; a
// site whose allowed origins name the page's is counted, one whose list does not is refused.
func TestTrackerScriptInABrowserIsCountedExactly(t *testing.T) {
	p := startPipeline(t, messaging.BrokerRedis, identifyVisitors)
	const site, localSite, hashSite = "shop.example", "local.shop.example", "hash.shop.example"
	const allowingSite, closedSite = "allowing.shop.example", "closed.shop.example"
	key := keyedSite(t, p.databaseURL, site)
	publicSites(t, p.databaseURL, localSite, hashSite, allowingSite, closedSite)
	origins := serveTestSite(t, trackerPage(t, p.ingestionURL+"/js/script.js"))
	// Ingestion reads the allowed origins when a browser first sends, after these.
	allowOrigins(t, p.databaseURL, allowingSite, origins.site)
	allowOrigins(t, p.databaseURL, closedSite, "https://elsewhere.example")
	tab := browsertest.Tab(t, 3*time.Minute)

	page := func(origin, domain string, variants ...string) string {
		q := url.Values{"domain": {domain}}
		for _, v := range variants {
			q.Set(v, "1")
		}
		return origin + "/?" + q.Encode()
	}
	open := func(t *testing.T, pageURL, want string) {
		t.Helper()
		require.NoError(t, chromedp.Do(tab, chromedp.Navigate(pageURL)))
		got, err := chromedp.Run(tab, chromedp.Poll[string](answerTo("Queued")))
		require.NoError(t, err)
		require.Equal(t, want, got, "the tracker's answer to the queued call on %s", pageURL)
		browsertest.Screenshot(t, tab, t.Name()) // the artifact directory is named at random: the file says which page
	}

	t.Run("localhost_is_skipped", func(t *testing.T) {
		open(t, page(origins.loopback, site, "human"), "skipped")
	})
	t.Run("automated_browser_is_skipped", func(t *testing.T) {
		open(t, page(origins.site, site), "skipped")
	})
	t.Run("opt_out_is_honoured", func(t *testing.T) {
		require.NoError(t, chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`localStorage.plausible_ignore = 'true'`)))
		open(t, page(origins.site, site, "human"), "skipped")
		require.NoError(t, chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`localStorage.removeItem('plausible_ignore')`)))
	})
	t.Run("localhost_with_data_local_is_sent", func(t *testing.T) {
		open(t, page(origins.loopback, localSite, "human", "local"), "202")
	})
	t.Run("origin_allowed_by_the_site_is_sent", func(t *testing.T) {
		open(t, page(origins.site, allowingSite, "human"), "202")
	})
	t.Run("origin_not_allowed_by_the_site_is_refused", func(t *testing.T) {
		open(t, page(origins.site, closedSite, "human"), "error") // 403 without Access-Control-Allow-Origin: fetch rejects
	})
	t.Run("hash_route_with_data_hash", func(t *testing.T) {
		open(t, page(origins.site, hashSite, "human", "hash"), "202")
		require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#to-hash"))))
		_, err := chromedp.Run(tab, chromedp.Poll[bool](`location.hash === '#/plans'`))
		require.NoError(t, err)
		browsertest.Screenshot(t, tab, "hash_plans")
	})
	browsed := t.Run("site_browsed_as_an_spa", func(t *testing.T) {
		open(t, page(origins.site, site, "human"), "202")
		for _, step := range []struct{ name, click, path string }{
			{"pushstate_pricing", "#to-pricing", "/pricing"},
			{"pushstate_signup", "#to-signup", "/signup"},
			{"back_to_pricing", "#back", "/pricing"},
		} {
			require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(step.click))))
			_, err := chromedp.Run(tab, chromedp.Poll[bool](fmt.Sprintf(`location.pathname === %q`, step.path)))
			require.NoError(t, err, step.name)
			browsertest.Screenshot(t, tab, step.name)
		}
		require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#signup"))))
		got, err := chromedp.Run(tab, chromedp.Poll[string](answerTo("Signup")))
		require.NoError(t, err)
		require.Equal(t, "202", got, "the tracker's answer to plausible('Signup')")
		browsertest.Screenshot(t, tab, "signup")
	})
	require.True(t, browsed, "the site was not browsed to the end: nothing to count")

	dates := todayRange()
	for _, q := range []statsQuery{
		{"totals", `{"site_id":"` + site + `","metrics":["visitors","visits","pageviews","events"],"date_range":` + dates + `}`,
			`[{"metrics":[1,1,4,6],"dimensions":[]}]`},
		{"pages", `{"site_id":"` + site + `","metrics":["pageviews"],"date_range":` + dates + `,"dimensions":["event:page"],"order_by":[["event:page","asc"]]}`,
			`[{"metrics":[1],"dimensions":["/"]},{"metrics":[2],"dimensions":["/pricing"]},{"metrics":[1],"dimensions":["/signup"]}]`},
		{"event_names", `{"site_id":"` + site + `","metrics":["events"],"date_range":` + dates + `,"dimensions":["event:name"],"order_by":[["event:name","asc"]]}`,
			`[{"metrics":[1],"dimensions":["Queued"]},{"metrics":[1],"dimensions":["Signup"]},{"metrics":[4],"dimensions":["pageview"]}]`},
		{"signup_plan", `{"site_id":"` + site + `","metrics":["events"],"date_range":` + dates + `,"dimensions":["event:props:plan"],"filters":[["is","event:name",["Signup"]]]}`,
			`[{"metrics":[1],"dimensions":["pro"]}]`},
	} {
		waitForKeyedQuery(t, p.reportingURL, key, q)
	}
	waitForKeyedQuery(t, p.reportingURL, "", statsQuery{"local_site", `{"site_id":"` + localSite + `","metrics":["visitors","pageviews","events"],"date_range":` + dates + `}`,
		`[{"metrics":[1,1,2],"dimensions":[]}]`})
	waitForKeyedQuery(t, p.reportingURL, "", statsQuery{"hash_site_pages", `{"site_id":"` + hashSite + `","metrics":["pageviews"],"date_range":` + dates + `,"dimensions":["event:page"],"order_by":[["event:page","asc"]]}`,
		`[{"metrics":[1],"dimensions":["/"]},{"metrics":[1],"dimensions":["/#/plans"]}]`})
	waitForKeyedQuery(t, p.reportingURL, "", statsQuery{"allowing_site", `{"site_id":"` + allowingSite + `","metrics":["pageviews","events"],"date_range":` + dates + `}`,
		`[{"metrics":[1,2],"dimensions":[]}]`})
	// Refused at ingestion before anything was queued: nothing of it can arrive later.
	waitForKeyedQuery(t, p.reportingURL, "", statsQuery{"closed_site", `{"site_id":"` + closedSite + `","metrics":["pageviews","events"],"date_range":` + dates + `}`,
		`[{"metrics":[0,0],"dimensions":[]}]`})
}

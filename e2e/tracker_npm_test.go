package e2e_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"text/template"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/browsertest"
	"github.com/analytics-pipeline/analytics/messaging"
)

// npmFixture is the site that bundles the official plausible-tracker package: its package.json and
// package-lock.json pin plausible-tracker 0.3.9 and esbuild, the bundler.
const npmFixture = "testdata/plausible-npm"

// buildNPMFixture copies the fixture to a temporary directory, installs its locked packages there with
// npm ci (from the npm registry, or npm's cache) and bundles src/main.js; it returns the directory, which
// holds index.html and dist/bundle.js. A machine without npm fails the test, saying how to get it.
func buildNPMFixture(t *testing.T) string {
	t.Helper()
	return npmBuild(t, npmFixture, "this test bundles the plausible-tracker package")
}

// npmSite serves the fixture's page, whatever the path (as an SPA's server answers), configured to send
// domain's events to apiHost/api/event, and its bundle at /dist/bundle.js.
func npmSite(t *testing.T, dir, domain, apiHost string) http.Handler {
	t.Helper()
	page := template.Must(template.ParseFiles(filepath.Join(dir, "index.html")))
	mux := http.NewServeMux()
	mux.Handle("GET /dist/", http.FileServer(http.Dir(dir)))
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, map[string]string{"Domain": domain, "APIHost": apiHost}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	return mux
}

// TestPlausibleTrackerPackageIsCountedExactly: a one-page app bundling the official plausible-tracker npm
// package (0.3.9) with enableAutoPageviews is loaded, navigates with two pushState links and Back, and
// sends trackEvent("Signup", {props: {plan: "pro"}}) to ingestion's /api/event on another origin; the
// query API then counts exactly those 4 pageviews, the event and its prop, 1 visitor and 1 visit.
func TestPlausibleTrackerPackageIsCountedExactly(t *testing.T) {
	dir := buildNPMFixture(t)
	p := startPipeline(t, messaging.BrokerRedis, identifyVisitors)
	const site = "npm.example"
	key := keyedSite(t, p.databaseURL, site)
	origins := serveTestSite(t, npmSite(t, dir, site, p.ingestionURL))
	tab := browsertest.Tab(t, 3*time.Minute)

	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(origins.site+"/")))
	_, err := chromedp.Run(tab, chromedp.Poll[bool](`typeof window.signup === 'function'`))
	require.NoError(t, err, "the bundle did not load")
	browsertest.Screenshot(t, tab, "1_landing")
	for i, step := range []struct{ name, click, path string }{
		{"pushstate_pricing", "#to-pricing", "/pricing"},
		{"pushstate_signup", "#to-signup", "/signup"},
		{"back_to_pricing", "#back", "/pricing"},
	} {
		require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(step.click))))
		_, err := chromedp.Run(tab, chromedp.Poll[bool](fmt.Sprintf(`location.pathname === %q`, step.path)))
		require.NoError(t, err, step.name)
		browsertest.Screenshot(t, tab, fmt.Sprintf("%d_%s", i+2, step.name))
	}
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#signup"))))
	_, err = chromedp.Run(tab, chromedp.Poll[bool](`answers.indexOf('Signup') >= 0`))
	require.NoError(t, err, "trackEvent's request never completed")
	browsertest.Screenshot(t, tab, "5_signup")

	dates := todayRange()
	for _, q := range []statsQuery{
		{"totals", `{"site_id":"` + site + `","metrics":["visitors","visits","pageviews","events"],"date_range":` + dates + `}`,
			`[{"metrics":[1,1,4,5],"dimensions":[]}]`},
		{"pages", `{"site_id":"` + site + `","metrics":["pageviews"],"date_range":` + dates + `,"dimensions":["event:page"],"order_by":[["event:page","asc"]]}`,
			`[{"metrics":[1],"dimensions":["/"]},{"metrics":[2],"dimensions":["/pricing"]},{"metrics":[1],"dimensions":["/signup"]}]`},
		{"event_names", `{"site_id":"` + site + `","metrics":["events"],"date_range":` + dates + `,"dimensions":["event:name"],"order_by":[["event:name","asc"]]}`,
			`[{"metrics":[1],"dimensions":["Signup"]},{"metrics":[4],"dimensions":["pageview"]}]`},
		{"signup_plan", `{"site_id":"` + site + `","metrics":["events"],"date_range":` + dates + `,"dimensions":["event:props:plan"],"filters":[["is","event:name",["Signup"]]]}`,
			`[{"metrics":[1],"dimensions":["pro"]}]`},
	} {
		waitForKeyedQuery(t, p.reportingURL, key, q)
	}
}

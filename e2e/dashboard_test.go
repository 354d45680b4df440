package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/apikeys"
	"github.com/analytics-pipeline/analytics/internal/browsertest"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestDashboardShowsTheQueryAPIsNumbers sends known events through ingestion, then drives the dashboard
// in Chromium: it refuses the view without a key, shows exactly the expected figures, comparison, chart
// and panels once signed in, follows the range picker and the panels' tabs, filters every figure by a
// clicked page, reproduces the view from its URL after a reload, refuses a wrong key, shows a public
// site without one, and refreshes visitors now by itself. Each step leaves a screenshot in the test's
// artifacts.
func TestDashboardShowsTheQueryAPIsNumbers(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, messaging.BrokerRedis)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, p.databaseURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = sites.NewStore(pool).Create(ctx, dashboardSite, "UTC")
	require.NoError(t, err)
	_, key, err := apikeys.NewStore(pool).Create(ctx, "dashboard", dashboardSite)
	require.NoError(t, err)

	var result struct {
		Accepted int `json:"accepted"`
	}
	require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/events", dashboardEvents(), &result))
	require.Equal(t, len(dashboardEvents()), result.Accepted)
	// Two visitors now, for the figure of the last five minutes.
	now := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	for _, user := range []string{"now-1", "now-2"} {
		var got accepted
		require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/event", map[string]any{"site_id": dashboardSite,
			"event_type": "page_view", "path": "/live", "user_id": user, "timestamp": now}, &got))
	}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var n int
		assert.NoError(c, pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE site_id = $1`, dashboardSite).Scan(&n))
		assert.Equal(c, len(dashboardEvents())+2, n)
	}, 60*time.Second, 50*time.Millisecond, "the events were not processed")

	tab := browsertest.Tab(t, 3*time.Minute)
	view := p.reportingURL + "/?site=" + dashboardSite + "&period=custom&from=2025-11-10&to=2025-11-12"
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(view)))
	v := waitForView(t, tab, `document.body.dataset.state === "refused"`)
	require.Equal(t, "This site is not public: sign in with an API key for it.", v.Refusal)
	browsertest.Screenshot(t, tab, "1-sign-in")

	require.NoError(t, chromedp.Do(tab,
		chromedp.SendKeys(chromedp.CSS("#key"), key),
		chromedp.Click(chromedp.CSS(`#key-form button[type="submit"]`)),
	))
	v = waitForView(t, tab, `document.body.dataset.state === "ready"`)
	require.Equal(t, "2025-11-10 – 2025-11-12", v.Range)
	require.Equal(t, map[string][2]string{
		"now":            {"2", ""},
		"visitors":       {"4", "+100%"},
		"visits":         {"5", "+150%"},
		"pageviews":      {"7", "+250%"},
		"bounce_rate":    {"60%", "-40 pts"},
		"visit_duration": {"3m 24s", "new"},
	}, v.Figures)
	require.Equal(t, [][2]string{{"2025-11-10", "1"}, {"2025-11-11", "2"}, {"2025-11-12", "2"}}, v.Points)
	require.Equal(t, map[string][][]string{
		"panel-pages":   {{"/", "2", "3"}, {"/docs", "2", "2"}, {"/pricing", "2", "2"}},
		"panel-sources": {{"Direct / None", "2"}, {"Google", "2"}, {"Facebook", "1"}},
		"panel-devices": {{"Chrome", "2", "50%"}, {"Firefox", "1", "25%"}, {"Safari", "1", "25%"}},
		"panel-events":  {{"pageview", "4", "7"}, {"signup", "2", "2"}},
		"panel-props":   {},
	}, v.Panels)
	browsertest.Screenshot(t, tab, "2-dashboard")

	// The range picker: the last 7 days hold none of these events; two dates typed bring them back.
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#periods button[data-period="7d"]`))))
	v = waitForView(t, tab, `document.body.dataset.state === "ready" && location.search.includes("period=7d")`)
	require.Equal(t, [2]string{"0", "0%"}, v.Figures["visitors"])
	formShown, err := chromedp.Run(tab, chromedp.Evaluate[bool](`getComputedStyle(document.getElementById("custom-range")).display !== "none"`))
	require.NoError(t, err)
	require.False(t, formShown, "the custom range's form is hidden for the last 7 days")
	require.NoError(t, chromedp.Do(tab,
		chromedp.Click(chromedp.CSS(`#periods button[data-period="custom"]`)),
		chromedp.SetValue(chromedp.CSS("#from"), "2025-11-10"),
		chromedp.SetValue(chromedp.CSS("#to"), "2025-11-12"),
		chromedp.Click(chromedp.CSS(`#custom-range button[type="submit"]`)),
	))
	v = waitForView(t, tab, `document.body.dataset.state === "ready" && location.search.includes("period=custom")`)
	require.Equal(t, [2]string{"4", "+100%"}, v.Figures["visitors"])

	// The other tabs and a property, each a view of its own in the URL.
	tabs := []struct {
		click, panel string
		want         [][]string
	}{
		{`#panel-pages button[data-tab="entry"]`, "panel-pages", [][]string{{"/", "2", "3"}, {"/docs", "1", "1"}, {"/pricing", "1", "1"}}},
		{`#panel-pages button[data-tab="exit"]`, "panel-pages", [][]string{{"/", "2", "2"}, {"/docs", "2", "2"}, {"/pricing", "1", "1"}}},
		{`#panel-sources button[data-tab="utm_source"]`, "panel-sources", [][]string{{"(not set)", "3"}, {"newsletter", "1"}}},
		{`#panel-devices button[data-tab="os"]`, "panel-devices", [][]string{{"Windows", "2", "50%"}, {"Android", "1", "25%"}, {"iOS", "1", "25%"}}},
		{`#panel-devices button[data-tab="device"]`, "panel-devices", [][]string{{"Desktop", "2", "50%"}, {"Mobile", "2", "50%"}}},
	}
	for _, tc := range tabs {
		require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(tc.click))))
		v = waitForView(t, tab, `document.body.dataset.state === "ready" && document.querySelector('`+tc.click+`').classList.contains("active")`)
		require.Equal(t, tc.want, v.Panels[tc.panel], tc.click)
	}
	require.NoError(t, chromedp.Do(tab,
		chromedp.SendKeys(chromedp.CSS("#prop-key"), "plan"),
		chromedp.Click(chromedp.CSS(`#prop-form button`)),
	))
	v = waitForView(t, tab, `document.body.dataset.state === "ready" && location.search.includes("prop=plan")`)
	require.Equal(t, [][]string{{"(none)", "4", "7"}, {"free", "1", "1"}, {"pro", "1", "1"}}, v.Panels["panel-props"])
	browsertest.Screenshot(t, tab, "3-tabs-and-property")

	// A click on a top page filters every figure, the chart and the panels: u1's first visit and u3's
	// have an event on /pricing (8m 30s on average); only u3's entered there and did not bounce; the
	// previous period has u6's one-page visit.
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#panel-pages button[data-tab="top"]`))))
	waitForView(t, tab, `document.body.dataset.state === "ready" && location.search.includes("pages=top")`)
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#panel-pages tr.row[data-value="/pricing"]`))))
	filtered := `document.body.dataset.state === "ready" && document.querySelectorAll("#filters li").length === 1`
	v = waitForView(t, tab, filtered)
	wantFiltered := func(v dashboardView) {
		t.Helper()
		require.Equal(t, []string{"event:page=/pricing"}, v.Filters)
		require.Equal(t, map[string][2]string{
			"now":            {"2", ""},
			"visitors":       {"2", "+100%"},
			"visits":         {"2", "+100%"},
			"pageviews":      {"2", "+100%"},
			"bounce_rate":    {"0%", "-100 pts"},
			"visit_duration": {"8m 30s", "new"},
		}, v.Figures)
		require.Equal(t, [][2]string{{"2025-11-10", "1"}, {"2025-11-11", "0"}, {"2025-11-12", "1"}}, v.Points)
		require.Equal(t, [][]string{{"/pricing", "2", "2"}}, v.Panels["panel-pages"])
	}
	wantFiltered(v)
	browsertest.Screenshot(t, tab, "4-filtered")

	// The URL reproduces the view after a reload; this reload is the measured first view.
	require.NoError(t, chromedp.Do(tab, chromedp.Reload()))
	v = waitForView(t, tab, filtered)
	wantFiltered(v)
	timing, err := chromedp.Run(tab, chromedp.Evaluate[[2]float64](
		`[performance.getEntriesByName("figures-rendered")[0].startTime, performance.getEntriesByName("view-ready")[0].startTime]`))
	require.NoError(t, err)
	t.Logf("first view after a reload: figures rendered %.0f ms, every panel %.0f ms after navigation start", timing[0], timing[1])
	browsertest.Screenshot(t, tab, "5-reloaded")

	// A wrong key is refused, and says so.
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#sign-out"))))
	waitForView(t, tab, `document.body.dataset.state === "refused"`)
	require.NoError(t, chromedp.Do(tab,
		chromedp.SendKeys(chromedp.CSS("#key"), "apk_wrongwrongwrongwrongwrongwrongwrongwrongwrongwrong"),
		chromedp.Click(chromedp.CSS(`#key-form button[type="submit"]`)),
	))
	v = waitForView(t, tab, `document.body.dataset.state === "refused" && document.getElementById("refusal").className === "refused"`)
	require.Equal(t, "The API key was refused: Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested.", v.Refusal)
	visible, err := chromedp.Run(tab, chromedp.Evaluate[bool](`!document.getElementById("dashboard").hidden`))
	require.NoError(t, err)
	require.False(t, visible, "the figures stay hidden after a refusal")
	browsertest.Screenshot(t, tab, "6-wrong-key")

	// A public site is shown without a key, once reporting has seen it made public.
	_, _, err = sites.NewStore(pool).SetPublic(ctx, dashboardSite, true)
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS("#sign-out"))))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		res, err := http.Post(p.reportingURL+"/api/v2/query", "application/json",
			strings.NewReader(`{"site_id":"`+dashboardSite+`","metrics":["visitors"],"date_range":"day"}`))
		if assert.NoError(c, err) {
			res.Body.Close()
			assert.Equal(c, http.StatusOK, res.StatusCode)
		}
	}, 30*time.Second, 100*time.Millisecond, "the site never became public")
	require.NoError(t, chromedp.Do(tab, chromedp.Reload()))
	v = waitForView(t, tab, filtered)
	wantFiltered(v)
	browsertest.Screenshot(t, tab, "7-public-site")

	// All time: from the site's first day (2025-11-08, u6's visit to /pricing is in it now) to today, by
	// month; no previous period to compare with.
	require.NoError(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#periods button[data-period="all"]`))))
	v = waitForView(t, tab, `document.body.dataset.state === "ready" && location.search.includes("period=all")`)
	require.Equal(t, []string{"event:page=/pricing"}, v.Filters)
	require.Equal(t, map[string][2]string{"now": {"2", ""}, "visitors": {"3", ""}, "visits": {"3", ""}, "pageviews": {"3", ""},
		"bounce_rate": {"50%", ""}, "visit_duration": {"5m 40s", ""}}, v.Figures)
	today := time.Now().UTC()
	require.Len(t, v.Points, (today.Year()-2025)*12+int(today.Month())-int(time.November)+1, "a point a month")
	require.Equal(t, [2]string{"2025-11-01", "3"}, v.Points[0])

	// Visitors now refreshes by itself (every 30 s), without a reload.
	var got accepted
	require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/event", map[string]any{"site_id": dashboardSite,
		"event_type": "page_view", "path": "/live", "user_id": "now-3"}, &got))
	_, err = chromedp.Run(tab, chromedp.Poll[bool](`document.querySelector('#figures [data-metric="now"] .value').textContent === "3"`,
		chromedp.WithPollingTimeout(45*time.Second), chromedp.WithPollingInterval(time.Second)))
	require.NoError(t, err, "visitors now did not refresh to 3")
}

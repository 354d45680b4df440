package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// dashboardSite is the site of the dashboard test; its events are dashboardEvents.
const dashboardSite = "dash.example"

// dashboardEvents are four visitors' five visits of 2025-11-10..12 and two visitors of the two days
// before (the previous period). Over 2025-11-10..12: 4 visitors, 5 visits (u1 twice), 7 page views,
// bounces u2, u1's second visit and u4 (60 %), durations 360 s (u1's first), 660 s (u3) and three 0 s
// (mean 204 s).
func dashboardEvents() []map[string]any {
	const (
		chrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36"
		safari  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
		firefox = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"
		site    = "https://dash.example"
	)
	e := func(user, at, typ, path, referrer, ua string, props map[string]any) map[string]any {
		m := map[string]any{"site_id": dashboardSite, "event_type": typ, "user_id": user, "timestamp": at,
			"url": site + path, "user_agent": ua}
		if referrer != "" {
			m["referrer"] = referrer
		}
		if props != nil {
			m["props"] = props
		}
		return m
	}
	return []map[string]any{
		e("u1", "2025-11-10T10:00:00Z", "page_view", "/", "https://www.google.com/", chrome, nil),
		e("u1", "2025-11-10T10:05:00Z", "page_view", "/pricing", site+"/", chrome, nil),
		e("u1", "2025-11-10T10:06:00Z", "signup", "/pricing", "", chrome, map[string]any{"plan": "pro"}),
		e("u2", "2025-11-11T09:00:00Z", "page_view", "/?utm_source=newsletter&utm_medium=email&utm_campaign=launch", "", safari, nil),
		e("u4", "2025-11-11T14:00:00Z", "page_view", "/docs", "https://www.google.com/", chrome, nil),
		e("u3", "2025-11-12T12:00:00Z", "page_view", "/pricing", "https://www.facebook.com/", firefox, nil),
		e("u3", "2025-11-12T12:10:00Z", "page_view", "/docs", site+"/pricing", firefox, nil),
		e("u3", "2025-11-12T12:11:00Z", "signup", "/docs", "", firefox, map[string]any{"plan": "free"}),
		e("u1", "2025-11-12T15:00:00Z", "page_view", "/", "", chrome, nil),
		e("u5", "2025-11-08T10:00:00Z", "page_view", "/", "", chrome, nil),
		e("u6", "2025-11-09T10:00:00Z", "page_view", "/pricing", "", safari, nil),
	}
}

// dashboardView is what the dashboard shows, read from its DOM.
type dashboardView struct {
	State   string                `json:"state"`
	Figures map[string][2]string  `json:"figures"` // metric: value, change
	Panels  map[string][][]string `json:"panels"`  // panel id: rows of value, numbers
	Points  [][2]string           `json:"points"`  // chart: label, value
	Filters []string              `json:"filters"` // dimension=value
	Refusal string                `json:"refusal"`
	Range   string                `json:"range"`
}

const readView = `(() => ({
  state: document.body.dataset.state,
  figures: Object.fromEntries([...document.querySelectorAll("#figures .figure")].map((f) =>
    [f.dataset.metric, [f.querySelector(".value").textContent, (f.querySelector(".change") || {}).textContent || ""]])),
  panels: Object.fromEntries([...document.querySelectorAll(".panel")].map((p) =>
    [p.id, [...p.querySelectorAll("tr.row")].map((r) => [r.dataset.value, ...[...r.querySelectorAll("td.num")].map((td) => td.textContent)])])),
  points: [...document.querySelectorAll("#chart-svg circle")].map((c) => [c.dataset.label, c.dataset.value]),
  filters: [...document.querySelectorAll("#filters li")].map((li) => li.dataset.dimension + "=" + li.dataset.value),
  refusal: document.getElementById("refusal").textContent,
  range: document.getElementById("range").textContent,
}))()`

// waitForView waits until the page's condition holds, then reads the view.
func waitForView(t *testing.T, tab context.Context, condition string) dashboardView {
	t.Helper()
	_, err := chromedp.Run(tab, chromedp.Poll[bool](condition, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		v, _ := chromedp.Run(tab, chromedp.Evaluate[dashboardView](readView))
		t.Fatalf("waiting for %s: %v; the page shows %+v", condition, err, v)
	}
	v, err := chromedp.Run(tab, chromedp.Evaluate[dashboardView](readView))
	require.NoError(t, err)
	return v
}

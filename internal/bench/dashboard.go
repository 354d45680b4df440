package bench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/analytics-pipeline/analytics/internal/browsertest"
)

// dashboardRuns is how many first views of the dashboard are measured, each in a new browser profile.
const dashboardRuns = 3

// dashboardTarget is issue 14's bound on the first view of a 30-day dashboard at 10M raw events.
const dashboardTarget = time.Second

// dashboard measures the dashboard's first view of the query figures' 30 days on querySite, in headless
// Chromium against the running reporting: the time from navigation start to the top figures drawn and to
// every panel drawn, as the page marks them (performance marks "figures-rendered" and "view-ready"). Each
// run starts a browser with an empty profile, so nothing is cached but what Postgres holds.
func (m *measurement) dashboard(ctx context.Context, stored int64) error {
	q := url.Values{"site": {querySite}, "period": {"custom"},
		"from": {queryLastDay.AddDate(0, 0, -29).Format(time.DateOnly)}, "to": {queryLastDay.Format(time.DateOnly)}}
	page := m.stack.ReportingURL + "/?" + q.Encode()
	var figures, ready []time.Duration
	for range dashboardRuns {
		f, r, err := firstView(ctx, page)
		if err != nil {
			return fmt.Errorf("dashboard first view: %w", err)
		}
		figures, ready = append(figures, f), append(ready, r)
	}
	logf(m.cfg, "dashboard first views: figures %v, every panel %v", figures, ready)
	worst := slices.Max(ready)
	m.add(Row{
		Figure: fmt.Sprintf("dashboard's first view, 30 days of the biggest of %d sites (%s raw events), headless Chromium, %d runs with empty profiles",
			querySites, count(stored), dashboardRuns),
		Measured: fmt.Sprintf("top figures drawn %s; every panel drawn %s", durations(figures), durations(ready)),
		Against:  fmt.Sprintf("target: every panel drawn < %s", dashboardTarget),
		Ratio:    fmt.Sprintf("%.2f", float64(worst)/float64(dashboardTarget)),
		Met:      worst < dashboardTarget,
	})
	return nil
}

// firstView opens page in a new browser and returns when its top figures and every panel were drawn,
// measured from navigation start.
func firstView(ctx context.Context, page string) (figures, ready time.Duration, err error) {
	dir, err := os.MkdirTemp("", "bench-chromium-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelTimeout()
	tab, cancel, err := browsertest.Open(ctx, dir, func(string, ...any) {})
	defer cancel()
	if err != nil {
		return 0, 0, err
	}
	if err := chromedp.Do(tab, chromedp.Navigate(page)); err != nil {
		return 0, 0, err
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`document.body.dataset.state === "ready"`)); err != nil {
		return 0, 0, fmt.Errorf("waiting for the view: %w", err)
	}
	marks, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](
		`[performance.getEntriesByName("figures-rendered")[0].startTime, performance.getEntriesByName("view-ready")[0].startTime]`))
	if err != nil {
		return 0, 0, err
	}
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	return ms(marks[0]), ms(marks[1]), nil
}

// durations writes ds in milliseconds: "412, 388, 395 ms".
func durations(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = fmt.Sprintf("%.0f", float64(d)/float64(time.Millisecond))
	}
	return strings.Join(s, ", ") + " ms"
}

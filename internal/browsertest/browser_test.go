package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/analytics-pipeline/analytics/internal/browsertest"
)

func TestTabRunsScriptsAndTakesScreenshots(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>t</title><p id="p">before</p>
<script>document.getElementById("p").textContent = "ran " + (6 * 7)</script>`))
	}))
	defer srv.Close()
	tab := browsertest.Tab(t, time.Minute)
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS("#p")))
	if err != nil {
		t.Fatal(err)
	}
	if text != "ran 42" {
		t.Fatalf("the page's script did not run: %q", text)
	}
	path := browsertest.Screenshot(t, tab, "page")
	info, err := os.Stat(path)
	if err != nil || info.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", path, err)
	}
}

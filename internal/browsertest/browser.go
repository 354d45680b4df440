// Package browsertest drives the installed Chromium (Debian's chromium package) from tests with
// chromedp: a headless tab per test, and screenshots of each step written to the test's artifact
// directory (go test -artifacts keeps them under -outputdir). Nothing is downloaded: a missing browser
// fails the test with how to install it (go tool task test installs it, as it does Redis).
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// candidates are the names the browser has on Debian, Ubuntu and elsewhere, in order of preference.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ExecPath returns the browser to run: $CHROMIUM_PATH when set, else the first candidate on PATH.
func ExecPath() (string, bool) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p, true
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// Tab starts a headless browser for the test and returns the context of its first tab, which lives
// until the test ends (or timeout passes). Each chromedp.Run on it acts in that tab.
func Tab(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	tab, cancel, err := Open(ctx, t.TempDir(), t.Logf)
	t.Cleanup(func() {
		cancel()
		cancelTimeout()
	})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// Open starts a headless browser with its profile in userDataDir (a fresh one: an empty cache) and
// returns the context of its first tab, which lives until parent ends or cancel is called; logf receives
// the browser's log lines. It is Tab for programs that are not tests (the bench).
func Open(parent context.Context, userDataDir string, logf func(string, ...any)) (tab context.Context, cancel context.CancelFunc, err error) {
	path, ok := ExecPath()
	if !ok {
		return parent, func() {}, fmt.Errorf("no Chromium found (looked for $CHROMIUM_PATH, %v on PATH): install it with "+
			"`apt-get install chromium` or run the suite with `go tool task test`, which installs it", candidates)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the suite runs as root on these machines, where Chromium refuses its sandbox
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(userDataDir),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(logf))
	cancel = func() {
		cancelTab()
		cancelAlloc()
	}
	if err := chromedp.Do(tabCtx); err != nil {
		cancel()
		return parent, func() {}, fmt.Errorf("start %s: %w", path, err)
	}
	return tabCtx, cancel, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot writes a full-page PNG of the tab to the test's artifact directory as NAME.png and returns
// its path.
func Screenshot(t testing.TB, tab context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(t.ArtifactDir(), unsafeName.ReplaceAllString(name, "_")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("write screenshot: %v", err)
	}
	t.Logf("screenshot %s", path)
	return path
}

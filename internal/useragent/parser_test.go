package useragent_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/useragent"
)

func TestParse(t *testing.T) {
	t.Parallel()
	p := useragent.New()
	cases := []struct {
		name string
		ua   string
		want useragent.Agent
	}{
		{name: "chrome_windows", ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36",
			want: useragent.Agent{Browser: "Chrome", BrowserVersion: "131.0", OS: "Windows", OSVersion: "10.0", Device: useragent.Desktop}},
		{name: "safari_iphone", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
			want: useragent.Agent{Browser: "Safari", BrowserVersion: "17.5", OS: "iOS", OSVersion: "17.5", Device: useragent.Mobile}},
		{name: "firefox_android_phone", ua: "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0",
			want: useragent.Agent{Browser: "Firefox", BrowserVersion: "132.0", OS: "Android", OSVersion: "14", Device: useragent.Mobile}},
		{name: "safari_ipad", ua: "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
			want: useragent.Agent{Browser: "Safari", BrowserVersion: "16.6", OS: "iOS", OSVersion: "16.6", Device: useragent.Tablet}},
		{name: "chrome_android_tablet", ua: "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.230 Safari/537.36",
			want: useragent.Agent{Browser: "Chrome", BrowserVersion: "120.0", OS: "Android", OSVersion: "13", Device: useragent.Tablet}},
		{name: "chrome_android_phone", ua: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
			want: useragent.Agent{Browser: "Chrome", BrowserVersion: "131.0", OS: "Android", OSVersion: "10", Device: useragent.Mobile}},
		{name: "safari_mac", ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
			want: useragent.Agent{Browser: "Safari", BrowserVersion: "17.0", OS: "Mac", OSVersion: "10.15", Device: useragent.Desktop}},
		{name: "edge_windows", ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
			want: useragent.Agent{Browser: "Microsoft Edge", BrowserVersion: "131.0", OS: "Windows", OSVersion: "10.0", Device: useragent.Desktop}},
		{name: "firefox_linux_without_os_version", ua: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
			want: useragent.Agent{Browser: "Firefox", BrowserVersion: "133.0", OS: "GNU/Linux", Device: useragent.Desktop}},
		{name: "chrome_os", ua: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
			want: useragent.Agent{Browser: "Chrome", BrowserVersion: "131.0", OS: "Chrome OS", Device: useragent.Desktop}},
		{name: "server_library_has_no_device", ua: "curl/8.5.0", want: useragent.Agent{Browser: "curl", BrowserVersion: "8.5"}},
		{name: "empty", ua: "", want: useragent.Agent{}},
		{name: "invalid_utf8_and_nul_made_storable", ua: "Br\xffwser\x00/1.2.3", want: useragent.Agent{Browser: "Br\uFFFDwser", BrowserVersion: "1.2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, p.Parse(tc.ua), "first parse")
			require.Equal(t, tc.want, p.Parse(tc.ua), "cached")
		})
	}
}

// TestParseMoreAgentsThanTheCache checks that answers stay right while a stream of distinct user agents
// passes through the cache and evicts.
func TestParseMoreAgentsThanTheCache(t *testing.T) {
	t.Parallel()
	p := useragent.New()
	const firefox = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"
	for i := range 20000 {
		got := p.Parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + strconv.Itoa(i) + ".1.2.3 Safari/537.36")
		require.Equal(t, strconv.Itoa(i)+".1", got.BrowserVersion)
		require.Equal(t, "Firefox", p.Parse(firefox).Browser)
	}
}

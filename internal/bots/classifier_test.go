package bots_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/bots"
)

// Real user agents of browsers, as they send them today.
const (
	chromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	chromeAndroid = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
	firefoxLinux  = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	safariMac     = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"
	safariIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	edgeWindows   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
	samsungMobile = "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"
	chromeIPad    = "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1"
	googlebot     = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)

func TestIsBot(t *testing.T) {
	t.Parallel()
	c, err := bots.New()
	require.NoError(t, err)
	cases := []struct {
		name      string
		userAgent string
		bot       bool
	}{
		{name: "googlebot", userAgent: googlebot, bot: true},
		{name: "googlebot_smartphone", userAgent: "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", bot: true},
		{name: "bingbot", userAgent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", bot: true},
		{name: "ahrefsbot", userAgent: "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", bot: true},
		{name: "headless_chrome", userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.85 Safari/537.36", bot: true},
		{name: "phantomjs", userAgent: "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1", bot: true},
		{name: "uptimerobot", userAgent: "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", bot: true},
		{name: "pingdom", userAgent: "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", bot: true},
		{name: "semrushbot_by_regexp_class", userAgent: "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", bot: true},
		{name: "adsbot_google_by_regexp", userAgent: "AdsBot-Google (+http://www.google.com/adsbot.html)", bot: true},
		{name: "gptbot", userAgent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", bot: true},
		{name: "facebook_preview", userAgent: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", bot: true},
		{name: "scrapy_crawler_framework", userAgent: "Scrapy/2.11.2 (+https://scrapy.org)", bot: true},
		{name: "chrome_windows", userAgent: chromeWindows},
		{name: "chrome_android", userAgent: chromeAndroid},
		{name: "chrome_ipad", userAgent: chromeIPad},
		{name: "firefox_linux", userAgent: firefoxLinux},
		{name: "safari_mac", userAgent: safariMac},
		{name: "safari_iphone", userAgent: safariIPhone},
		{name: "edge_windows", userAgent: edgeWindows},
		{name: "samsung_internet", userAgent: samsungMobile},
		{name: "empty", userAgent: ""},
		{name: "curl", userAgent: "curl/8.5.0"},
		{name: "wget", userAgent: "Wget/1.21.4"},
		{name: "python_requests", userAgent: "python-requests/2.32.3"},
		{name: "python_httpx", userAgent: "python-httpx/0.27.2"},
		{name: "go_http_client", userAgent: "Go-http-client/1.1"},
		{name: "go_http_client_2", userAgent: "Go-http-client/2.0"},
		{name: "node_fetch", userAgent: "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"},
		{name: "node_native_fetch", userAgent: "node"},
		{name: "axios", userAgent: "axios/1.7.9"},
		{name: "okhttp", userAgent: "okhttp/4.12.0"},
		{name: "apache_httpclient", userAgent: "Apache-HttpClient/4.5.14 (Java/17.0.13)"},
		{name: "segment_node_sdk", userAgent: "analytics-node-next/latest"},
		{name: "cloudfront_forwarding", userAgent: "Amazon CloudFront"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.bot, c.IsBot(tc.userAgent), tc.userAgent)
		})
	}
}

// BenchmarkIsBot measures a user agent seen before (a cache hit, nearly every request) and the first
// time (the automaton's pass).
func BenchmarkIsBot(b *testing.B) {
	c, err := bots.New()
	require.NoError(b, err)
	for _, ua := range []struct{ name, userAgent string }{
		{"chrome_windows", chromeWindows}, {"safari_iphone", safariIPhone}, {"firefox_linux", firefoxLinux},
		{"googlebot", googlebot}, {"go_http_client", "Go-http-client/1.1"},
	} {
		b.Run(ua.name+"/cached", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.IsBot(ua.userAgent)
			}
		})
		b.Run(ua.name+"/automaton", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Classify(ua.userAgent)
			}
		})
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bots.New(); err != nil {
			b.Fatal(err)
		}
	}
}

package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/messaging"
)

// capturedVisit is the part of a visit that ingestion derives from the URL, the referrer and the user agent.
type capturedVisit struct {
	UserID                                                   string
	Hostname, Source                                         *string
	UTMSource, UTMMedium, UTMCampaign, UTMContent, UTMTerm   *string
	Browser, BrowserVersion, OS, OSVersion, Device, Referrer *string
}

// Events posted with a page URL carrying UTM tags, a referrer from a search engine, a social site or the
// same host, and the user agent of desktop Chrome, iOS Safari or Android Firefox (in the body, as a
// server-side sender gives it, or as the request's User-Agent) become visits holding the source, UTM,
// browser, OS and device that ingestion derived.
func TestCapturedFieldsReachVisits(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, messaging.BrokerRedis)
	const (
		chrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36"
		safari  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
		firefox = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"
		tagged  = "https://shop.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_content=top&utm_term=analytics"
	)
	var result struct {
		Accepted int `json:"accepted"`
	}
	require.Equal(t, http.StatusOK, post(t, p.ingestionURL+"/events", []map[string]any{
		{"site_id": "shop", "event_type": "page_view", "user_id": "from-google", "timestamp": "2025-11-12T10:00:00Z",
			"url": tagged, "referrer": "https://www.google.com/search?q=analytics", "user_agent": chrome},
		{"site_id": "shop", "event_type": "page_view", "user_id": "from-facebook", "timestamp": "2025-11-12T10:00:00Z",
			"url": "https://www.shop.example.com/docs", "referrer": "https://www.facebook.com/", "user_agent": safari},
	}, &result))
	require.Equal(t, 2, result.Accepted)
	postWithUserAgent(t, p.ingestionURL+"/event", firefox, `{"site_id": "shop", "event_type": "page_view", "user_id": "same-host",
		"timestamp": "2025-11-12T10:00:00Z", "url": "https://shop.example.com/blog?utm_source=app", "referrer": "https://shop.example.com/pricing"}`)

	str := func(s string) *string { return &s }
	want := []capturedVisit{
		{UserID: "from-facebook", Hostname: str("shop.example.com"), Source: str("Facebook"), Referrer: str("https://www.facebook.com/"),
			Browser: str("Safari"), BrowserVersion: str("18.1"), OS: str("iOS"), OSVersion: str("18.1"), Device: str("Mobile")},
		{UserID: "from-google", Hostname: str("shop.example.com"), Source: str("Google"), Referrer: str("https://www.google.com/search?q=analytics"),
			UTMSource: str("newsletter"), UTMMedium: str("email"), UTMCampaign: str("spring"), UTMContent: str("top"), UTMTerm: str("analytics"),
			Browser: str("Chrome"), BrowserVersion: str("131.0"), OS: str("Windows"), OSVersion: str("10.0"), Device: str("Desktop")},
		{UserID: "same-host", Hostname: str("shop.example.com"), Referrer: str("https://shop.example.com/pricing"), UTMSource: str("app"),
			Browser: str("Firefox"), BrowserVersion: str("133.0"), OS: str("Android"), OSVersion: str("14"), Device: str("Mobile")},
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, p.databaseURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var got []capturedVisit
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		rows, err := conn.Query(ctx, `
			SELECT e.user_id, v.hostname, v.source, v.utm_source, v.utm_medium, v.utm_campaign, v.utm_content, v.utm_term,
			       v.browser, v.browser_version, v.os, v.os_version, v.device, v.referrer
			FROM visits v JOIN events e ON e.site_id = v.site_id AND e.event_id = v.first_event_id
			WHERE v.site_id = 'shop' ORDER BY e.user_id`)
		if !assert.NoError(c, err) {
			return
		}
		got, err = pgx.CollectRows(rows, pgx.RowToStructByPos[capturedVisit])
		assert.NoError(c, err)
		assert.Len(c, got, len(want))
	}, 60*time.Second, 50*time.Millisecond)
	require.Equal(t, want, got)
}

// postWithUserAgent posts one event as a browser's tracker does, with its User-Agent header.
func postWithUserAgent(t *testing.T, url, userAgent, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

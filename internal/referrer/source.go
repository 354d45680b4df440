package referrer

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/analytics-pipeline/analytics/internal/pageurl"
)

// Source returns the traffic source of a page on pageHost (as pageurl.Hostname gives it; empty when the
// page's URL is unknown) reached from referrer, as Plausible resolves it from a referrer:
//   - "" (Direct / None) when referrer is empty, is not an http, https or android-app URL with a host
//     (a valid UTF-8 one),
//     is on pageHost ("www." ignored) or on localhost;
//   - the database's name for a known host ("https://www.google.co.uk/search?q=x" -> "Google");
//   - otherwise the referrer's host, lower-case, without "www." ("https://www.markosaric.com/x" ->
//     "markosaric.com"; an app: "android-app://org.telegram.messenger").
//
// Plausible takes a utm_source (or source, ref) parameter of the page's URL over the referrer; this does
// not: the source is the referrer's, and utm_source is a field of its own.
func (s *Sources) Source(referrer, pageHost string) string {
	if referrer == "" {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(referrer))
	if err != nil || u.Hostname() == "" || !utf8.ValidString(u.Hostname()) {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "android-app":
		return ""
	case host == "localhost" || (pageHost != "" && pageurl.Hostname(host) == pageHost):
		return ""
	}
	if name, ok := s.lookup(host, u.EscapedPath()); ok {
		return name
	}
	if u.Scheme == "android-app" {
		return "android-app://" + host
	}
	return pageurl.Hostname(host)
}

// Package pageurl reads what ingestion derives from a page's URL: its path, its hostname as Plausible
// shows it, and its UTM parameters.
package pageurl

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ErrNotHTTP is the error of a URL that is not an absolute http or https URL with a host.
var ErrNotHTTP = errors.New("not an absolute http or https URL")

// Page is what a page URL tells. Every string is valid UTF-8 without NUL characters, so Postgres text
// can hold it.
type Page struct {
	// Path is the URL's path, percent-decoded as Plausible shows it ("/café"); "/" when the URL has none.
	// A path whose decoding is not valid UTF-8 or holds a NUL character is kept as sent (escaped).
	Path string
	// Hostname is the URL's host without port, lower-case, without a leading "www.".
	Hostname string
	// UTM holds the first value of each of the URL's query parameters utm_source, utm_medium,
	// utm_campaign, utm_content and utm_term, in that order.
	UTM [5]string
}

// utmKeys are the query parameters of Page.UTM, in its order.
var utmKeys = [5]string{"utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"}

// Parse reads raw, which must be an absolute http or https URL with a host.
func Parse(raw string) (Page, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || !clean(u.Hostname()) {
		return Page{}, ErrNotHTTP // a host percent-encoding invalid UTF-8 ("%ff") is no host
	}
	p := Page{Path: u.Path, Hostname: Hostname(u.Hostname())}
	if !clean(p.Path) {
		p.Path = u.EscapedPath()
	}
	if p.Path == "" {
		p.Path = "/"
	}
	if u.RawQuery != "" {
		q, _ := url.ParseQuery(u.RawQuery) // the parameters that parse; a malformed one is skipped
		for i, k := range utmKeys {
			p.UTM[i] = sanitize(q.Get(k))
		}
	}
	return p, nil
}

// Hostname returns host lower-case and without a leading "www.", as Plausible compares and shows hosts.
func Hostname(host string) string {
	return strings.TrimPrefix(strings.ToLower(host), "www.")
}

// clean reports whether s can be stored as text: valid UTF-8 without NUL characters.
func clean(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// sanitize makes a decoded query value storable: invalid UTF-8 becomes U+FFFD, NUL characters go.
func sanitize(s string) string {
	if clean(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

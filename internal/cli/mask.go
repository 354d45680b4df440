package cli

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	urlPattern      = regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^\s{}]+`)
	passwordPattern = regexp.MustCompile(`(Password:)(\S+)`)
	// userinfoPattern finds the password of a URL that does not parse (a bad port, say).
	userinfoPattern = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)
	// keywordPattern finds password=... in a URL's query or in keyword/value connection strings.
	keywordPattern = regexp.MustCompile(`(?i)(password=)[^\s&}]+`)
)

// maskURLPasswords replaces the password in every URL of s (also in URLs that do not parse and in their
// query), every password=... pair, and every Password field's value.
func maskURLPasswords(s string) string {
	s = urlPattern.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			return userinfoPattern.ReplaceAllString(raw, "${1}xxxxx@")
		}
		return u.Redacted()
	})
	s = keywordPattern.ReplaceAllString(s, "${1}xxxxx")
	return passwordPattern.ReplaceAllStringFunc(s, func(m string) string {
		return strings.SplitN(m, ":", 2)[0] + ":xxxxx"
	})
}

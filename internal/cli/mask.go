package cli

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	urlPattern      = regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^\s{}]+`)
	passwordPattern = regexp.MustCompile(`(Password:)(\S+)`)
)

// maskURLPasswords replaces the password in every URL of s and every Password field's value.
func maskURLPasswords(s string) string {
	s = urlPattern.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			return raw
		}
		return u.Redacted()
	})
	return passwordPattern.ReplaceAllStringFunc(s, func(m string) string {
		return strings.SplitN(m, ":", 2)[0] + ":xxxxx"
	})
}

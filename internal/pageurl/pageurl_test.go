package pageurl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/pageurl"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		url  string
		want pageurl.Page
	}{
		{name: "utm_tags", url: "https://example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=launch&utm_content=hero&utm_term=web+analytics",
			want: pageurl.Page{Path: "/pricing", Hostname: "example.com", UTM: [5]string{"newsletter", "email", "launch", "hero", "web analytics"}}},
		{name: "utm_first_value_wins", url: "https://example.com/?utm_source=a&utm_source=b", want: pageurl.Page{Path: "/", Hostname: "example.com", UTM: [5]string{"a"}}},
		{name: "utm_keys_are_case_sensitive", url: "https://example.com/?UTM_SOURCE=a", want: pageurl.Page{Path: "/", Hostname: "example.com"}},
		{name: "utm_percent_encoded", url: "https://example.com/?utm_campaign=%C3%A9t%C3%A9%202025", want: pageurl.Page{Path: "/", Hostname: "example.com", UTM: [5]string{"", "", "été 2025"}}},
		{name: "utm_nul_and_invalid_utf8_sanitized", url: "https://example.com/?utm_source=a%00b&utm_medium=%FF", want: pageurl.Page{Path: "/", Hostname: "example.com", UTM: [5]string{"ab", "\uFFFD"}}},
		{name: "malformed_query_pair_skipped", url: "https://example.com/?x=%zz&utm_source=ok", want: pageurl.Page{Path: "/", Hostname: "example.com", UTM: [5]string{"ok"}}},
		{name: "www_stripped_and_lower_case", url: "HTTPS://WWW.Example.COM:8443/A", want: pageurl.Page{Path: "/A", Hostname: "example.com"}},
		{name: "only_leading_www", url: "http://blog.www.example.com/", want: pageurl.Page{Path: "/", Hostname: "blog.www.example.com"}},
		{name: "no_path", url: "https://example.com", want: pageurl.Page{Path: "/", Hostname: "example.com"}},
		{name: "no_path_with_query", url: "https://example.com?utm_term=x", want: pageurl.Page{Path: "/", Hostname: "example.com", UTM: [5]string{"", "", "", "", "x"}}},
		{name: "path_decoded", url: "https://example.com/caf%C3%A9/%E6%97%A5%20x", want: pageurl.Page{Path: "/café/日 x", Hostname: "example.com"}},
		{name: "path_with_nul_kept_escaped", url: "https://example.com/a%00b", want: pageurl.Page{Path: "/a%00b", Hostname: "example.com"}},
		{name: "path_invalid_utf8_kept_escaped", url: "https://example.com/a%FFb", want: pageurl.Page{Path: "/a%FFb", Hostname: "example.com"}},
		{name: "fragment_ignored", url: "https://example.com/docs#install", want: pageurl.Page{Path: "/docs", Hostname: "example.com"}},
		{name: "percent_encoded_host_decoded", url: "http://%E6%97%A5.jp/", want: pageurl.Page{Path: "/", Hostname: "日.jp"}},
		{name: "ipv6_host", url: "http://[::1]:3000/x", want: pageurl.Page{Path: "/x", Hostname: "::1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := pageurl.Parse(tc.url)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"", "/pricing", "example.com/a", "ftp://example.com/", "data:text/html,x", "javascript:alert(1)",
		"https:///path", "https://", "http://exa mple.com/", "https://example.com/%zz", "mailto:a@example.com",
		"http://a%ffb.com/", "http://a%00b.com/"} {
		_, err := pageurl.Parse(raw)
		require.ErrorIs(t, err, pageurl.ErrNotHTTP, "url %q", raw)
	}
}

func TestHostname(t *testing.T) {
	t.Parallel()
	require.Equal(t, "example.com", pageurl.Hostname("WWW.EXAMPLE.COM"))
	require.Equal(t, "wwwexample.com", pageurl.Hostname("wwwexample.com"))
}

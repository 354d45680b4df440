package referrer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/referrer"
)

func TestSource(t *testing.T) {
	t.Parallel()
	s, err := referrer.New()
	require.NoError(t, err)
	cases := []struct {
		name     string
		referrer string
		pageHost string
		want     string
	}{
		{name: "google_search", referrer: "https://www.google.com/search?q=analytics", pageHost: "example.com", want: "Google"},
		{name: "google_country_domain", referrer: "https://www.google.co.uk/", pageHost: "example.com", want: "Google"},
		{name: "google_image_search_path", referrer: "https://google.de/imgres?imgurl=x", pageHost: "example.com", want: "Google Images"},
		{name: "bing", referrer: "https://www.bing.com/search?q=x", pageHost: "example.com", want: "Bing"},
		{name: "duckduckgo", referrer: "https://duckduckgo.com/", pageHost: "example.com", want: "DuckDuckGo"},
		{name: "facebook_link_shim", referrer: "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com", pageHost: "example.com", want: "Facebook"},
		{name: "facebook_mobile", referrer: "https://m.facebook.com/", pageHost: "example.com", want: "Facebook"},
		{name: "facebook_subdomain_by_parent", referrer: "https://web.facebook.com/", pageHost: "example.com", want: "Facebook"},
		{name: "twitter_shortener", referrer: "https://t.co/abc", pageHost: "example.com", want: "Twitter"},
		{name: "facebook_android_app", referrer: "android-app://com.facebook.katana/", pageHost: "example.com", want: "Facebook"},
		{name: "chatgpt", referrer: "https://chatgpt.com/", pageHost: "example.com", want: "ChatGPT"},
		{name: "unknown_host_is_itself", referrer: "https://www.markosaric.com/post", pageHost: "example.com", want: "markosaric.com"},
		{name: "unknown_host_lower_case", referrer: "https://Blog.Example.org/a", pageHost: "example.com", want: "blog.example.org"},
		{name: "unknown_app", referrer: "android-app://com.example.reader", pageHost: "example.com", want: "android-app://com.example.reader"},
		{name: "same_host_is_direct", referrer: "https://example.com/other", pageHost: "example.com", want: ""},
		{name: "same_host_with_www_is_direct", referrer: "https://WWW.example.com/", pageHost: "example.com", want: ""},
		{name: "subdomain_is_not_same_host", referrer: "https://docs.example.com/", pageHost: "example.com", want: "docs.example.com"},
		{name: "no_page_host_counts_any_referrer", referrer: "https://example.com/", pageHost: "", want: "example.com"},
		{name: "localhost_is_direct", referrer: "http://localhost:3000/", pageHost: "example.com", want: ""},
		{name: "empty_is_direct", referrer: "", pageHost: "example.com", want: ""},
		{name: "not_a_url_is_direct", referrer: "not a url", pageHost: "example.com", want: ""},
		{name: "host_of_invalid_utf8_is_direct", referrer: "https://a%ffb.com/", pageHost: "example.com", want: ""},
		{name: "other_scheme_is_direct", referrer: "file:///home/me/page.html", pageHost: "example.com", want: ""},
		{name: "surrounding_space_trimmed", referrer: "  https://www.google.com/ ", pageHost: "example.com", want: "Google"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, s.Source(tc.referrer, tc.pageHost))
		})
	}
}

func BenchmarkSource(b *testing.B) {
	s, err := referrer.New()
	require.NoError(b, err)
	for b.Loop() {
		s.Source("https://www.google.co.uk/search?q=analytics", "example.com")
	}
}

package sites_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/sites"
)

func TestParseOrigins(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		list string
		want []string
	}{
		{name: "empty_is_any", list: "", want: nil},
		{name: "blank_is_any", list: "  ", want: nil},
		{name: "one", list: "https://shop.example", want: []string{"https://shop.example"}},
		{name: "as_a_browser_writes_it", list: "HTTPS://Shop.Example:443/, http://localhost:80", want: []string{"http://localhost", "https://shop.example"}},
		{name: "other_ports_kept", list: "http://localhost:8080,https://shop.example:8443", want: []string{"http://localhost:8080", "https://shop.example:8443"}},
		{name: "sorted_each_once", list: "https://b.example,https://a.example,https://b.example", want: []string{"https://a.example", "https://b.example"}},
		{name: "ipv6", list: "http://[::1]:3000", want: []string{"http://[::1]:3000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := sites.ParseOrigins(tc.list)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseOriginsRefuses(t *testing.T) {
	t.Parallel()
	many := make([]string, 101)
	for i := range many {
		many[i] = "https://s" + strings.Repeat("x", i) + ".example"
	}
	for name, list := range map[string]string{
		"no_scheme":      "shop.example",
		"other_scheme":   "ftp://shop.example",
		"a_path":         "https://shop.example/shop",
		"a_query":        "https://shop.example?a=1",
		"a_fragment":     "https://shop.example#x",
		"credentials":    "https://user:pw@shop.example",
		"empty_entry":    "https://a.example,,https://b.example",
		"wildcard":       "*",
		"null":           "null",
		"too_many":       strings.Join(many, ","),
		"no_host":        "https://",
		"file_origin":    "file:///index.html",
		"trailing_comma": "https://a.example,",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := sites.ParseOrigins(list)
			require.ErrorIs(t, err, sites.ErrInvalidOrigin)
		})
	}
}

func TestOriginAllowed(t *testing.T) {
	t.Parallel()
	require.True(t, sites.OriginAllowed(nil, "https://any.example"))
	require.True(t, sites.OriginAllowed([]string{"https://a.example"}, "https://a.example"))
	require.False(t, sites.OriginAllowed([]string{"https://a.example"}, "https://b.example"))
	require.False(t, sites.OriginAllowed([]string{"https://a.example"}, "null"))
}

package bots_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/bots"
)

func TestListParses(t *testing.T) {
	t.Parallel()
	list, err := bots.List()
	require.NoError(t, err)
	require.Greater(t, len(list), 1000, "the list of %s has more than a thousand crawlers", bots.ListVersion)
	for _, e := range list {
		require.NotEmpty(t, e.Pattern)
	}
}

// A crawler framework renamed in a newer list would silently count as a server-side sender.
func TestCrawlerFrameworksAreInTheList(t *testing.T) {
	t.Parallel()
	list, err := bots.List()
	require.NoError(t, err)
	for _, pattern := range bots.CrawlerFrameworks {
		i := slices.IndexFunc(list, func(e bots.Entry) bool { return e.Pattern == pattern })
		require.GreaterOrEqual(t, i, 0, "%q is not in the list any more", pattern)
		require.False(t, list[i].ServerSide, pattern)
	}
}

// IsBot answers what running every pattern as a regexp answers, on every example user agent of the list
// and on those examples cut short or with text around them, so that anchors and partial names count.
func TestIsBotAgreesWithTheRegexps(t *testing.T) {
	t.Parallel()
	c, err := bots.New()
	require.NoError(t, err)
	reference, err := bots.Reference()
	require.NoError(t, err)
	list, err := bots.List()
	require.NoError(t, err)
	texts := []string{chromeWindows, chromeAndroid, firefoxLinux, safariMac, safariIPhone, edgeWindows, samsungMobile, chromeIPad}
	for _, e := range list {
		for _, ua := range e.Instances {
			texts = append(texts, ua, "x "+ua, ua+" x", ua[:len(ua)/2], ua[len(ua)/2:])
		}
	}
	bots, servers := 0, 0
	for _, ua := range texts {
		want := reference(ua)
		require.Equal(t, want, c.Classify(ua), "%q", ua)
		if want {
			bots++
		}
	}
	for _, e := range list {
		if e.ServerSide {
			servers++
		}
	}
	t.Logf("%d user agents agree, %d of them bots; %d patterns of %d left out as server-side senders", len(texts), bots, servers, len(list))
	states, classes, regexps := c.Size()
	t.Logf("automaton: %d states × %d byte classes; %d patterns confirmed by regexp", states, classes, regexps)
}

// Every example of a crawler the list keeps is a bot; every example of a server-side sender that no kept
// pattern also matches is not.
func TestListExamples(t *testing.T) {
	t.Parallel()
	c, err := bots.New()
	require.NoError(t, err)
	list, err := bots.List()
	require.NoError(t, err)
	for _, e := range list {
		if e.ServerSide {
			continue
		}
		for _, ua := range e.Instances {
			require.True(t, c.IsBot(ua), "pattern %q, example %q", e.Pattern, ua)
		}
	}
}

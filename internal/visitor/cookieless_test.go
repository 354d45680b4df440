package visitor_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/visitor"
)

func TestCookielessIsOneIDPerSaltSiteAddressAndAgent(t *testing.T) {
	t.Parallel()
	salt := bytes.Repeat([]byte{1}, visitor.SaltSize)
	other := bytes.Repeat([]byte{2}, visitor.SaltSize)
	id := visitor.Cookieless(salt, "example.com", "203.0.113.7", "Firefox")
	require.Equal(t, id, visitor.Cookieless(salt, "example.com", "203.0.113.7", "Firefox"))
	for name, got := range map[string]int64{
		"other_salt":  visitor.Cookieless(other, "example.com", "203.0.113.7", "Firefox"),
		"other_site":  visitor.Cookieless(salt, "example.org", "203.0.113.7", "Firefox"),
		"other_ip":    visitor.Cookieless(salt, "example.com", "203.0.113.8", "Firefox"),
		"other_agent": visitor.Cookieless(salt, "example.com", "203.0.113.7", "Chrome"),
		"shifted":     visitor.Cookieless(salt, "example.com203.0.113.7", "", "Firefox"),
		"user":        visitor.FromUser("example.com", "203.0.113.7"),
	} {
		require.NotEqual(t, id, got, name)
	}

	keyed := visitor.NewKeyed(salt)
	require.Equal(t, visitor.Cookieless(salt, "example.org", "198.51.100.1", "Safari"), keyed.ID("example.org", "198.51.100.1", "Safari"))
	require.Equal(t, id, keyed.ID("example.com", "203.0.113.7", "Firefox"), "a Keyed gives each event the id of its own")
}

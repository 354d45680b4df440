package ingestion_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
)

// rfc3339 is the shape isRFC3339 checks, as a regular expression.
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

// FuzzIsRFC3339 checks isRFC3339 against the regular expression it replaces.
func FuzzIsRFC3339(f *testing.F) {
	for _, s := range []string{
		"2025-11-12T19:30:01Z", "2025-11-12t19:30:01z", "2025-11-12T19:30:01.123456789+05:30", "2025-11-12T19:30:01.Z",
		"2025-11-12T19:30:01-23:59", "2025-11-12T19:30:01+24:00", "2025-11-12T19:30:01+05:60", "2025-11-12T19:30:01+5:00",
		"2025-11-12T9:30:01Z", "2025-11-12T19:30:01,5Z", "2025-11-12 19:30:01Z", "2025-11-12T19:30:01", "2025-11-12",
		"2025-11-12T19:30:01Z\n", "x2025-11-12T19:30:01Z", "2025-11-12T19:30:01+05:30:00", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, rfc3339.MatchString(s), ingestion.IsRFC3339(s), "%q", s)
	})
}

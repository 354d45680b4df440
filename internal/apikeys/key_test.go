package apikeys_test

import (
	"crypto/sha256"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/apikeys"
)

func TestGenerateMakesDistinctRecognisableKeys(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		secret, err := apikeys.Generate()
		require.NoError(t, err)
		require.Regexp(t, regexp.MustCompile(`^apk_[a-z2-7]{52}$`), secret, "the prefix, then 256 random bits in lowercase base32")
		require.False(t, seen[secret])
		seen[secret] = true
	}
}

func TestHashIsSHA256OfTheKey(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte("apk_example"))
	require.Equal(t, sum[:], apikeys.Hash("apk_example"))
}

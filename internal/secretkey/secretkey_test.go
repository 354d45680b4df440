package secretkey_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/secretkey"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	a, err := secretkey.Generate("wk_")
	require.NoError(t, err)
	b, err := secretkey.Generate("wk_")
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	require.True(t, secretkey.WellFormed("wk_", a))
	require.False(t, secretkey.WellFormed("apk_", a), "another prefix")
	require.False(t, secretkey.WellFormed("wk_", a[:len(a)-1]), "too short")
	require.False(t, secretkey.WellFormed("wk_", a[:len(a)-1]+"1"), "not base32")
	require.Len(t, secretkey.Hash(a), 32)
	require.Equal(t, secretkey.Hash(a), secretkey.Hash(a))
}

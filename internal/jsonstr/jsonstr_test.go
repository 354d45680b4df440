package jsonstr_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/jsonstr"
)

// FuzzAppend checks that Append escapes exactly as encoding/json does.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<a href='x'>&</a>", "\x00\x1f\t\n\r\b\f", "café 日本 😀", "\xff\xfe", "\u2028\u2029", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(jsonstr.Append([]byte("prefix"), s)[len("prefix"):]))
	})
}

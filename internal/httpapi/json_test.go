package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// A 404 or 405 names the path it could not route, but never echoes more than a bounded prefix of it: a
// long URL must not make a long answer.
func TestNotFoundAndMethodNotAllowedClipThePath(t *testing.T) {
	t.Parallel()
	long := "/" + strings.Repeat("é", 50_000)
	for name, handler := range map[string]http.HandlerFunc{"not_found": httpapi.NotFound, "method_not_allowed": httpapi.MethodNotAllowed} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			handler(rec, httptest.NewRequest(http.MethodGet, long, nil))
			require.Less(t, rec.Body.Len(), 1024, "the answer echoes the whole path")
			require.True(t, utf8.Valid(rec.Body.Bytes()), "the clipped path cuts a character in two")
			require.Contains(t, rec.Body.String(), "/éé")
		})
	}
}

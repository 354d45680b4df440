package visitor_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

func TestOfIsWhatPostgresComputes(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	cases := map[string]struct{ site, user, event string }{
		"user":       {"example.com", "user-1", "e1"},
		"no_user":    {"example.com", "", "e1"},
		"unicode":    {"café 日本 😀", "ü\u2028", "\x7f"},
		"other_site": {"example.org", "user-1", "e1"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var got int64
			require.NoError(t, pool.QueryRow(context.Background(), `SELECT visitor_of($1, $2, $3)`, c.site, c.user, c.event).Scan(&got))
			require.Equal(t, visitor.Of(c.site, c.user, c.event), got)
		})
	}
	var null int64
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT visitor_of('s', NULL, 'e')`).Scan(&null))
	require.Equal(t, visitor.FromEvent("s", "e"), null, "a NULL user_id is no user")
	require.NotEqual(t, visitor.FromUser("a", "x"), visitor.FromEvent("a", "x"))
	require.NotEqual(t, visitor.FromUser("a", "x"), visitor.FromUser("b", "x"))
}

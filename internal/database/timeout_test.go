package database_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

func TestWithStatementTimeout(t *testing.T) {
	t.Parallel()
	url := testenv.DatabaseURL(t)
	parsed, err := pgconn.ParseConfig(url)
	require.NoError(t, err)
	keywords := fmt.Sprintf("host=%s port=%d user=%s password=%s dbname=%s sslmode=disable",
		parsed.Host, parsed.Port, parsed.User, parsed.Password, parsed.Database)
	for _, tc := range []struct {
		name, dsn, want string
	}{
		{"url", url, "300ms"},
		{"keyword_value", keywords, "300ms"},
		{"url_that_sets_its_own", url + "&statement_timeout=1500", "1500ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			pool, err := database.Open(ctx, database.WithStatementTimeout(tc.dsn, 300*time.Millisecond), 2)
			require.NoError(t, err)
			t.Cleanup(pool.Close)
			var got string
			require.NoError(t, pool.QueryRow(ctx, `SHOW statement_timeout`).Scan(&got))
			require.Equal(t, tc.want, got)

			_, err = pool.Exec(ctx, `SELECT pg_sleep(5)`)
			var pgErr *pgconn.PgError
			require.True(t, errors.As(err, &pgErr), "Postgres ends the statement itself, got %v", err)
			require.Equal(t, "57014", pgErr.Code, "query_canceled")
		})
	}
}

func TestWithSetting(t *testing.T) {
	t.Parallel()
	url := testenv.DatabaseURL(t)
	for _, tc := range []struct {
		name, dsn, want string
	}{
		{"added", url, "off"},
		{"set_by_the_dsn_wins", url + "&jit=on", "on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			pool, err := database.Open(ctx, database.WithSetting(tc.dsn, "jit", "off"), 1)
			require.NoError(t, err)
			t.Cleanup(pool.Close)
			var got string
			require.NoError(t, pool.QueryRow(ctx, `SHOW jit`).Scan(&got))
			require.Equal(t, tc.want, got)
		})
	}
}

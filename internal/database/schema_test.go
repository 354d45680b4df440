package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for database/sql
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/database"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/migrations"
)

func TestOpenCurrentChecksTheSchemaVersion(t *testing.T) {
	t.Parallel()
	latest := migrations.Latest()
	require.Greater(t, latest, int64(1), "the check needs at least two migrations to test")
	cases := []struct {
		name    string
		dsn     func(t testing.TB) string
		wantIs  error // ErrSchemaBehind unless set
		wantErr string
	}{
		{name: "current", dsn: testenv.DatabaseURL},
		{name: "never_migrated", dsn: testenv.EmptyDatabaseURL,
			wantErr: fmt.Sprintf("database schema is at version 0, this build needs %d", latest)},
		{name: "one_behind", dsn: func(t testing.TB) string { return databaseAtVersion(t, latest-1) },
			wantErr: fmt.Sprintf("database schema is at version %d, this build needs %d", latest-1, latest)},
		{name: "ahead_is_accepted", dsn: func(t testing.TB) string { return databaseAhead(t, latest) }},
		{name: "ahead_past_what_this_build_can_use", dsn: func(t testing.TB) string { return databaseAhead(t, latest+1) },
			wantIs: database.ErrSchemaAhead,
			wantErr: fmt.Sprintf("database schema is at version %d, which builds before version %d cannot use; this build is at version %d: deploy a newer build",
				latest+1, latest+1, latest)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool, err := database.OpenCurrent(context.Background(), tc.dsn(t), 1, slog.New(slog.DiscardHandler))
			if tc.wantErr == "" {
				require.NoError(t, err)
				pool.Close()
				return
			}
			require.Nil(t, pool)
			if tc.wantIs == nil {
				require.ErrorIs(t, err, database.ErrSchemaBehind)
				require.ErrorContains(t, err, "migrate")
			} else {
				require.ErrorIs(t, err, tc.wantIs)
			}
			require.ErrorIs(t, err, database.ErrNotRetryable)
			require.ErrorContains(t, err, tc.wantErr)
			require.ErrorContains(t, err, "DATABASE_URL")
		})
	}
}

func TestCheckSchemaOnlyReads(t *testing.T) {
	t.Parallel()
	dsn := testenv.EmptyDatabaseURL(t)
	_, err := database.OpenCurrent(context.Background(), dsn, 1, slog.New(slog.DiscardHandler))
	require.ErrorIs(t, err, database.ErrSchemaBehind)
	var tables int
	require.NoError(t, openDB(t, dsn).QueryRow("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables))
	require.Zero(t, tables, "checking the schema must not create goose's table, or any other")
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	t.Run("brings_an_empty_database_to_the_schema_of_the_build", func(t *testing.T) {
		t.Parallel()
		dsn := testenv.EmptyDatabaseURL(t)
		require.NoError(t, database.Migrate(context.Background(), dsn, log))
		require.NoError(t, database.Migrate(context.Background(), dsn, log), "a second run has nothing to do")
		pool, err := database.OpenCurrent(context.Background(), dsn, 1, log)
		require.NoError(t, err)
		pool.Close()
	})
	t.Run("a_connection_lost_while_migrating_is_retried", func(t *testing.T) {
		t.Parallel()
		dsn := testenv.EmptyDatabaseURL(t)
		db := openDB(t, dsn)
		// An uncommitted table of the same name makes the first migration wait for this transaction, so
		// that its backend can be found and ended as a Postgres restart would end it.
		blocker, err := db.Begin()
		require.NoError(t, err)
		_, err = blocker.Exec("CREATE TABLE events (unrelated int)")
		require.NoError(t, err)
		migrated := make(chan error, 1)
		go func() { migrated <- database.Migrate(context.Background(), dsn, log) }()
		require.Eventually(t, func() bool {
			var ended int
			err := db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&ended)
			return err == nil && ended > 0
		}, giveUpAfter, 10*time.Millisecond, "the migration never waited for the blocking transaction")
		require.NoError(t, blocker.Rollback())
		require.NoError(t, <-migrated, "the connection was lost, not the migration refused: Migrate must start again")
		pool, err := database.OpenCurrent(context.Background(), dsn, 1, log)
		require.NoError(t, err)
		pool.Close()
	})
	t.Run("a_failing_migration_is_not_retried", func(t *testing.T) {
		t.Parallel()
		dsn := testenv.EmptyDatabaseURL(t)
		_, err := openDB(t, dsn).Exec("CREATE TABLE events (unrelated int)")
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), giveUpAfter)
		defer cancel()
		err = database.Migrate(ctx, dsn, log)
		require.NoError(t, ctx.Err(), "retried until the deadline: %v", err)
		require.ErrorIs(t, err, database.ErrNotRetryable)
		require.ErrorContains(t, err, "DATABASE_URL")
		require.ErrorContains(t, err, "00001_init.sql")
		require.ErrorContains(t, err, "42P07")
	})
}

// databaseAhead returns a database migrated by a build one migration newer than this one, which allows
// builds from oldestBuild on.
func databaseAhead(t testing.TB, oldestBuild int64) string {
	t.Helper()
	dsn := testenv.DatabaseURL(t)
	db := openDB(t, dsn)
	_, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)", migrations.Latest()+1)
	require.NoError(t, err)
	_, err = db.Exec("UPDATE schema_compatibility SET oldest_build = $1", oldestBuild)
	require.NoError(t, err)
	return dsn
}

// databaseAtVersion returns a fresh database with the real migrations applied up to version.
func databaseAtVersion(t testing.TB, version int64) string {
	t.Helper()
	dsn := testenv.EmptyDatabaseURL(t)
	provider, err := goose.NewProvider(goose.DialectPostgres, openDB(t, dsn), os.DirFS("../../migrations"))
	require.NoError(t, err)
	_, err = provider.UpTo(context.Background(), version)
	require.NoError(t, err)
	return dsn
}

func openDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/migrations"
)

// ErrSchemaBehind is returned when the database lacks migrations this build needs.
var ErrSchemaBehind = errors.New("database schema is behind this build")

// ErrSchemaAhead is returned when the database has migrations after which this build cannot work.
var ErrSchemaAhead = errors.New("database schema is too new for this build")

// OpenCurrent is OpenReady followed by CheckSchema: what a service that reads or writes the projections
// calls at start-up instead of migrating.
func OpenCurrent(ctx context.Context, url string, maxConns int32, log *slog.Logger) (*pgxpool.Pool, error) {
	pool, err := OpenReady(ctx, url, maxConns, log)
	if err != nil {
		return nil, err
	}
	if err := CheckSchema(ctx, pool, log); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// CheckSchema compares the version recorded by the migrations with the newest migration of this build.
// A database behind it is an error that matches ErrSchemaBehind and ErrNotRetryable and says to run
// the migrate command: the services do not migrate, and a schema does not catch up by waiting (compose
// and `task run` migrate before the services start; an orchestrator restarts a service that exited). A
// database ahead of the build is accepted when its schema_compatibility (migration 00006) says this build
// can still run on it, so that a deploy may migrate before it replaces the services; otherwise the error
// matches ErrSchemaAhead and ErrNotRetryable.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	where, err := describe(pool.Config().ConnString())
	if err != nil {
		return err
	}
	applied, err := migrations.Applied(ctx, pool)
	if err != nil {
		return fmt.Errorf("DATABASE_URL=%s: %w", where, err)
	}
	needed := migrations.Latest()
	if applied < needed {
		return &notRetryable{
			msg: fmt.Sprintf("DATABASE_URL=%s: database schema is at version %d, this build needs %d: "+
				"run the migrations first (go tool task migrate, or the migrate command with the same DATABASE_URL)", where, applied, needed),
			cause: ErrSchemaBehind,
		}
	}
	if applied == needed {
		return nil
	}
	var oldest int64
	if err := pool.QueryRow(ctx, "SELECT oldest_build FROM schema_compatibility").Scan(&oldest); err != nil {
		return fmt.Errorf("DATABASE_URL=%s: read which builds the schema allows: %w", where, err)
	}
	if oldest > needed {
		return &notRetryable{
			msg: fmt.Sprintf("DATABASE_URL=%s: database schema is at version %d, which builds before version %d cannot use; "+
				"this build is at version %d: deploy a newer build", where, applied, oldest, needed),
			cause: ErrSchemaAhead,
		}
	}
	log.Info("database schema is ahead of this build, which it still allows",
		"schema_version", applied, "build_version", needed, "oldest_build_allowed", oldest)
	return nil
}

package migrations

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// Latest is the version of the newest embedded migration: the schema this build needs.
func Latest() int64 {
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		panic(fmt.Sprintf("list embedded migrations: %v", err))
	}
	var latest int64
	for _, name := range names {
		version, err := goose.NumericComponent(name)
		if err != nil {
			panic(fmt.Sprintf("embedded migration %s: %v", name, err))
		}
		latest = max(latest, version)
	}
	return latest
}

// Applied is the highest migration version applied to the database behind pool, from goose's version
// table; 0 when no migration ever ran there. Unlike goose's own version queries it only reads: it does
// not create the version table.
func Applied(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	store, err := database.NewStore(database.DialectPostgres, goose.DefaultTablename)
	if err != nil {
		return 0, fmt.Errorf("migration store: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	tables, ok := store.(database.StoreExtender)
	if !ok {
		return 0, fmt.Errorf("goose's postgres store cannot tell whether %s exists", goose.DefaultTablename)
	}
	exists, err := tables.TableExists(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("look for the migration table %s: %w", goose.DefaultTablename, err)
	}
	if !exists {
		return 0, nil
	}
	version, err := store.GetLatestVersion(ctx, db)
	if errors.Is(err, database.ErrVersionNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the schema version from %s: %w", goose.DefaultTablename, err)
	}
	return version, nil
}

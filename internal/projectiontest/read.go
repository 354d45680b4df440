package projectiontest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Querier is what Read needs of a connection or pool.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Read returns every row of every projection table, every column, ordered as the oracle orders them. It
// fails when a table has a column the oracle does not know, so that a new column cannot go unchecked.
func Read(ctx context.Context, db Querier) (Snapshot, error) {
	names := make([]string, len(Tables))
	for i, t := range Tables {
		names[i] = t.Name
	}
	return ReadTables(ctx, db, names...)
}

// ReadTables is Read of the named tables only.
func ReadTables(ctx context.Context, db Querier, names ...string) (Snapshot, error) {
	snap := Snapshot{}
	for _, t := range Tables {
		if !slices.Contains(names, t.Name) {
			continue
		}
		if err := checkColumns(ctx, db, t); err != nil {
			return nil, err
		}
		rows, err := readTable(ctx, db, t)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.Name, err)
		}
		sortRows(rows, t.Key)
		snap[t.Name] = rows
	}
	return snap, nil
}

func readTable(ctx context.Context, db Querier, t Table) (Rows, error) {
	sql := fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", strings.Join(t.Columns, ", "), t.Name, strings.Join(t.Columns[:t.Key], ", "))
	rs, err := db.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := Rows{}
	for rs.Next() {
		values, err := rs.Values()
		if err != nil {
			return nil, err
		}
		row := make([]string, len(values))
		for i, v := range values {
			if row[i], err = formatValue(rs.FieldDescriptions()[i].DataTypeOID, v); err != nil {
				return nil, fmt.Errorf("column %s: %w", t.Columns[i], err)
			}
		}
		out = append(out, row)
	}
	return out, rs.Err()
}

func checkColumns(ctx context.Context, db Querier, t Table) error {
	rs, err := db.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, t.Name)
	if err != nil {
		return fmt.Errorf("columns of %s: %w", t.Name, err)
	}
	columns, err := pgx.CollectRows(rs, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("columns of %s: %w", t.Name, err)
	}
	if len(columns) == 0 {
		return fmt.Errorf("table %s does not exist", t.Name)
	}
	for _, c := range columns {
		if !slices.Contains(t.Columns, c) {
			return fmt.Errorf("table %s has column %s, which the oracle (internal/projectiontest) does not compute", t.Name, c)
		}
	}
	return nil
}

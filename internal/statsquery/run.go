package statsquery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what Run needs of Postgres: a transaction, so that both sides read one snapshot.
type DB interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// Row is one result row: the values of the query's metrics and dimensions, in their order.
type Row struct {
	Metrics    []any    `json:"metrics"`
	Dimensions []string `json:"dimensions"`
}

// Result is a query's answer before it is encoded.
type Result struct {
	Rows       []Row
	TotalRows  int      // groups before pagination
	TimeLabels []string // every time bucket of the range, when include.time_labels
}

// group is one combination of dimension values with the figures of both sides.
type group struct {
	dims          []string
	events, visit counts
}

// Run answers q from the projections in one read-only snapshot.
func Run(ctx context.Context, db DB, q *Query) (*Result, error) {
	tx, err := db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("query: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only: nothing to keep
	p := decide(q)
	groups := map[string]*group{}
	var order []string // group keys, from the side that decides which groups exist
	if len(p.eventMetrics) > 0 {
		sql, args := eventsSQL(q, p.eventMetrics, q.Dims)
		if order, err = collect(ctx, tx, sql, args, len(q.Dims), groups, true); err != nil {
			return nil, err
		}
	}
	if len(p.visitMetrics) > 0 {
		sql, args := visitsSQL(q, q.Dims)
		keys, err := collect(ctx, tx, sql, args, len(q.Dims), groups, false)
		if err != nil {
			return nil, err
		}
		if len(p.eventMetrics) == 0 {
			order = keys
		}
	}
	var total float64
	if contains(q.Metrics, Percentage) {
		if total, err = totalVisitors(ctx, tx, q, p); err != nil {
			return nil, err
		}
	}
	rows := make([]Row, 0, len(order))
	for _, key := range order {
		g := groups[key]
		rows = append(rows, Row{Metrics: values(q.Metrics, p, g, total), Dimensions: g.dims})
	}
	sortRows(q, rows)
	res := &Result{TotalRows: len(rows), Rows: page(rows, q.Offset, q.Limit)}
	if q.Include.TimeLabels {
		res.TimeLabels = timeLabels(q)
	}
	return res, nil
}

// collect reads a side's rows into groups and returns their keys in the order read.
func collect(ctx context.Context, tx pgx.Tx, sql string, args []any, ndims int, groups map[string]*group, eventSide bool) ([]string, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, pgInvalid(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		dims := make([]string, ndims)
		var c counts
		dest := make([]any, 0, ndims+6)
		for i := range dims {
			dest = append(dest, &dims[i])
		}
		if eventSide {
			dest = append(dest, &c.visitors, &c.visits, &c.events, &c.pageviews)
		} else {
			dest = append(dest, &c.visitors, &c.visits, &c.visitPageviews, &c.bounces, &c.duration, &c.bounceBase)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("query: read: %w", err)
		}
		key := strings.Join(dims, "\x00")
		g, ok := groups[key]
		if !ok {
			g = &group{dims: dims}
			groups[key] = g
		}
		if eventSide {
			g.events = c
		} else {
			g.visit = c
		}
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, pgInvalid(err)
	}
	return keys, nil
}

// totalVisitors is the divisor of percentage: the visitors of the whole query, without its dimensions,
// on the side that counts the groups' visitors.
func totalVisitors(ctx context.Context, tx pgx.Tx, q *Query, p plan) (float64, error) {
	sql, args := visitsSQL(q, nil)
	if p.percentOn == fromEvents {
		sql, args = eventsSQL(q, []string{Visitors}, nil)
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return 0, fmt.Errorf("query: total visitors: %w", err)
	}
	first, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (float64, error) {
		var visitors float64
		vals := make([]any, len(row.FieldDescriptions()))
		vals[0] = &visitors
		for i := 1; i < len(vals); i++ {
			vals[i] = new(any)
		}
		return visitors, row.Scan(vals...)
	})
	if err != nil {
		return 0, pgInvalid(err)
	}
	return first, nil
}

// StatsStart returns the site's first local day with a visit, where date_range "all" starts; the zero
// time when it has none.
func StatsStart(ctx context.Context, db Querier, siteID string) (time.Time, error) {
	var day time.Time
	if err := db.QueryRow(ctx, statsStartSQL, siteID).Scan(&day); err != nil {
		return time.Time{}, fmt.Errorf("query: first day: %w", err)
	}
	if day.Year() == 1 {
		return time.Time{}, nil
	}
	return day, nil
}

// Querier reads one row.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgInvalid turns Postgres's refusal of a regular expression (SQLSTATE 2201B) that Go's re2 accepted
// into a refusal of the query; other errors are failures to answer.
func pgInvalid(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "2201B" {
		return invalid("Invalid filters. %s", pgErr.Message)
	}
	return fmt.Errorf("query: %w", err)
}

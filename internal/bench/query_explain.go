package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/analytics-pipeline/analytics/internal/statsquery"
)

// checkQuery posts body once and fails unless the answer is a 200 with at least one result row: a figure
// of refused or empty answers would measure nothing.
func checkQuery(ctx context.Context, url, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("post query: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	var decoded struct {
		Results []json.RawMessage `json:"results"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(answer, &decoded) != nil || len(decoded.Results) == 0 {
		return fmt.Errorf("query answered %d: %s", resp.StatusCode, answer)
	}
	return nil
}

// statementTracer keeps the SQL and arguments of every statement a connection runs.
type statementTracer struct {
	statements []pgx.TraceQueryStartData
}

func (t *statementTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	t.statements = append(t.statements, data)
	return ctx
}

func (t *statementTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// explainQuery answers f's query once with the query API's own code (statsquery) on a traced
// connection, then prints EXPLAIN (ANALYZE, BUFFERS) of every statement it ran.
func explainQuery(ctx context.Context, cfg Config, url string, f queryFigure) error {
	connCfg, err := pgx.ParseConfig(url)
	if err != nil {
		return err
	}
	tracer := &statementTracer{}
	connCfg.Tracer = tracer
	conn, err := pgx.ConnectConfig(ctx, connCfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	obj, err := statsquery.Decode([]byte(f.Body))
	if err != nil {
		return err
	}
	req, err := statsquery.Parse(obj)
	if err != nil {
		return err
	}
	var zone string
	if err := conn.QueryRow(ctx, `SELECT time_zone FROM sites WHERE site_id = $1`, req.SiteID).Scan(&zone); err != nil {
		return fmt.Errorf("site's zone: %w", err)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return err
	}
	rng, err := statsquery.Resolve(req, loc, time.Now(), time.Time{})
	if err != nil {
		return err
	}
	tracer.statements = nil
	if _, err := statsquery.Run(ctx, conn, statsquery.NewQuery(req, rng)); err != nil {
		return fmt.Errorf("run query: %w", err)
	}
	var out bytes.Buffer
	for _, s := range tracer.statements {
		if !strings.HasPrefix(strings.TrimSpace(s.SQL), "SELECT") && !strings.HasPrefix(strings.TrimSpace(s.SQL), "WITH") {
			continue // begin, rollback
		}
		rows, err := conn.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+s.SQL, s.Args...)
		if err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		fmt.Fprintf(&out, "-- %s\n%s\n-- arguments %v\n%s\n\n", f.Name, s.SQL, s.Args, strings.Join(lines, "\n"))
	}
	logf(cfg, "EXPLAIN (ANALYZE, BUFFERS) of the statements of %s:\n%s", f.Name, out.String())
	return nil
}

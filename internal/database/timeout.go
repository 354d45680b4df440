package database

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// WithStatementTimeout returns dsn (a URL or a keyword/value string) with Postgres's statement_timeout
// set to d for every session a pool opened on it starts: the server then ends a statement that runs
// longer itself (SQLSTATE 57014, query_canceled), keeps the connection, and frees its locks, even when
// the client that sent it has gone. pgx passes such a parameter on as a session setting. A
// statement_timeout that dsn already sets wins, and a dsn that does not parse is returned as it is, for
// Open to report.
func WithStatementTimeout(dsn string, d time.Duration) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return dsn
	}
	if _, set := cfg.RuntimeParams["statement_timeout"]; set {
		return dsn
	}
	ms := strconv.FormatInt(d.Milliseconds(), 10)
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " statement_timeout=" + ms
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("statement_timeout", ms)
	u.RawQuery = q.Encode()
	return u.String()
}

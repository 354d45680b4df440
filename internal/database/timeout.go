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
// the client that sent it has gone. A statement_timeout that dsn already sets wins (WithSetting).
func WithStatementTimeout(dsn string, d time.Duration) string {
	return WithSetting(dsn, "statement_timeout", strconv.FormatInt(d.Milliseconds(), 10))
}

// WithSetting returns dsn (a URL or a keyword/value string) with the Postgres run-time parameter name set
// to value for every session a pool opened on it starts; pgx passes such a parameter on as a session
// setting. A value that dsn already sets wins, so an operator can override any default in
// DATABASE_URL, and a dsn that does not parse is returned as it is, for Open to report.
func WithSetting(dsn, name, value string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return dsn
	}
	if _, set := cfg.RuntimeParams[name]; set {
		return dsn
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " " + name + "=" + value
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

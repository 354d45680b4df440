package database

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// describe parses the DATABASE_URL value raw and returns it for messages, rebuilt from the parsed
// settings so that no password can show, whether raw is a URL or keyword/value pairs. A value that does
// not parse is an error that names DATABASE_URL; pgx masks the password in it.
func describe(raw string) (string, error) {
	cfg, err := pgxpool.ParseConfig(raw)
	if err != nil {
		return "", &notRetryable{msg: fmt.Sprintf("DATABASE_URL is not a valid connection string: %v", err), cause: err}
	}
	conn := cfg.ConnConfig
	user := url.User(conn.User)
	if conn.Password != "" {
		user = url.UserPassword(conn.User, "xxxxx")
	}
	u := url.URL{Scheme: "postgres", User: user, Host: net.JoinHostPort(conn.Host, strconv.Itoa(int(conn.Port))), Path: "/" + conn.Database}
	return u.String(), nil
}

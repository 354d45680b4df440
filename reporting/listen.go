package reporting

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sethvargo/go-retry"

	"github.com/analytics-pipeline/analytics/projections"
)

// listenSQL subscribes to the notifications of migrations 00002 and 00005 (projections.ChangedChannel).
// Repeating it on a live connection changes nothing, so it doubles as the probe that the connection still
// works.
const listenSQL = "LISTEN " + projections.ChangedChannel

// probeTimeout is how long a probe may take before the connection is given up; connectTimeout the same
// for a new connection.
const (
	probeTimeout   = 2 * time.Second
	connectTimeout = 5 * time.Second
)

// Listen holds a dedicated connection, configured by cfg, that listens on stats_changed, and applies the
// notifications to the cache until ctx ends. The cache is in use only while the LISTEN holds: when the
// connection fails, the cache is emptied and bypassed, and Listen reconnects with capped exponential
// backoff. Meanwhile it probes the connection every quarter of the cache's maxStale, and the cache serves
// answers only while the last answered probe is recent enough (see StatsCache).
func (c *StatsCache) Listen(ctx context.Context, cfg *pgx.ConnConfig, log *slog.Logger) {
	cfg = cfg.Copy()
	// Applied as they are read, also while a probe runs, so that they are applied when its answer comes.
	cfg.OnNotification = func(_ *pgconn.PgConn, n *pgconn.Notification) { c.apply(n.Payload) }
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > connectTimeout {
		cfg.ConnectTimeout = connectTimeout
	}
	for {
		backoff := retry.WithCappedDuration(2*time.Second, retry.NewExponential(50*time.Millisecond))
		conn, err := retry.DoValue(ctx, backoff, func(ctx context.Context) (*pgx.Conn, error) {
			conn, err := listen(ctx, cfg)
			if err != nil {
				log.Warn("stats cache cannot listen; reading from Postgres meanwhile", "err", err)
				return nil, retry.RetryableError(err)
			}
			return conn, nil
		})
		if err != nil {
			return
		}
		c.setListening(true)
		log.Info("stats cache listening")
		err = c.receive(ctx, conn)
		c.setListening(false)
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		_ = conn.Close(closeCtx) // the connection is given up either way
		cancel()
		if ctx.Err() != nil {
			return
		}
		log.Warn("stats cache lost its connection; reading from Postgres until it is back", "err", err)
	}
}

func listen(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	if _, err := conn.Exec(ctx, listenSQL); err != nil {
		_ = conn.Close(ctx) // the error that matters is the one returned
		return nil, fmt.Errorf("listen: %w", err)
	}
	return conn, nil
}

// receive probes the connection every quarter of maxStale, confirming the cache's freshness after each
// answer, and applies notifications (through the connection's OnNotification) in between, until the
// connection fails or ctx ends.
func (c *StatsCache) receive(ctx context.Context, conn *pgx.Conn) error {
	for {
		sent := time.Now()
		probeCtx, cancel := context.WithTimeout(ctx, probeTimeout)
		_, err := conn.Exec(probeCtx, listenSQL)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("probe: %w", err)
		}
		c.confirm(sent)
		waitCtx, cancel := context.WithDeadline(ctx, sent.Add(c.maxStale/4))
		for err == nil {
			_, err = conn.WaitForNotification(waitCtx)
		}
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case !pgconn.Timeout(err):
			return fmt.Errorf("wait for notification: %w", err)
		}
	}
}

// apply forgets what a notification names: lines of projections.Key, or projections.Everything.
func (c *StatsCache) apply(payload string) {
	if payload == projections.Everything {
		c.forgetAll()
		return
	}
	var keys []cacheKey
	for line := range strings.SplitSeq(payload, "\n") {
		key, ok := parseKey(line)
		if !ok {
			c.forgetAll()
			return
		}
		keys = append(keys, key)
	}
	c.forget(keys)
}

// parseKey reads a projections.Key.
func parseKey(s string) (cacheKey, bool) {
	siteID, day, ok := projections.ParseKey(s)
	if !ok {
		return cacheKey{}, false
	}
	return keyOf(siteID, day), true
}

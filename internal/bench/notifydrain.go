package bench

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/internal/cluster"
	"github.com/analytics-pipeline/analytics/internal/envdefault"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/migrations"
)

// dropNotifyTriggers removes every trigger of migrations/00002, so that commits notify nothing.
const dropNotifyTriggers = `
DROP TRIGGER daily_aggregates_inserted_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_updated_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_deleted_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_truncated_notify ON daily_aggregates;`

// drainWithProcessors creates database name with the migrations applied (and the notify triggers dropped
// unless triggers), drains stream into it with two processors reading as consumer group name, and
// returns the events per second from the first event counted to the last. A connection LISTENs on
// stats_changed meanwhile, as reporting's does. The database is dropped afterwards.
func (m *measurement) drainWithProcessors(ctx context.Context, stream, name string, triggers bool, want int64) (float64, error) {
	dbURL, err := m.createDatabase(ctx, name)
	if err != nil {
		return 0, err
	}
	defer m.dropDatabase(name)
	if err := migrate(ctx, dbURL, triggers); err != nil {
		return 0, err
	}
	stopListening, err := listenAndDiscard(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer stopListening()

	for _, consumer := range []string{"a", "b"} {
		env := append(slices.Clone(m.stack.Env), "DATABASE_URL="+dbURL, "REDIS_STREAM_NAME="+stream,
			"REDIS_CONSUMER_GROUP="+name, "CONSUMER_NAME="+name+"_"+consumer, "STREAM_RETENTION="+keepRounds)
		processor := cluster.NewService(m.binDir, "processor", m.stack.Dir, 0, env...)
		if err := processor.Start(); err != nil {
			return 0, err
		}
		defer processor.Stop()
	}
	first, err := cluster.WaitCounted(ctx, dbURL, 1, time.Millisecond, notifyStall)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := cluster.WaitCounted(ctx, dbURL, want, 5*time.Millisecond, notifyStall); err != nil {
		return 0, err
	}
	return float64(want-first) / time.Since(start).Seconds(), nil
}

// createDatabase creates database name on the stack's Postgres and returns its URL.
func (m *measurement) createDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, m.stack.Postgres.URL)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(m.stack.Postgres.URL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// dropDatabase drops database name, disconnecting whoever is still on it.
func (m *measurement) dropDatabase(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, m.stack.Postgres.URL)
	if err != nil {
		logf(m.cfg, "drop database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
		logf(m.cfg, "drop database %s: %v", name, err)
	}
}

// migrate applies the migrations to the database at dbURL and creates the default poison table, as the
// migrate command does (a processor does not start without it), and drops the notify triggers unless
// triggers.
func migrate(ctx context.Context, dbURL string, triggers bool) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer pool.Close()
	if err := migrations.Apply(ctx, pool); err != nil {
		return err
	}
	var poison messaging.PoisonConfig
	envdefault.Fill(&poison)
	if err := messaging.CreatePoisonTable(ctx, pool, poison.PoisonTopic); err != nil {
		return err
	}
	if triggers {
		return nil
	}
	if _, err := pool.Exec(ctx, dropNotifyTriggers); err != nil {
		return fmt.Errorf("drop the notify triggers: %w", err)
	}
	return nil
}

// listenAndDiscard LISTENs on stats_changed at dbURL and reads the notifications until stop is called.
func listenAndDiscard(ctx context.Context, dbURL string) (stop func(), err error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("connect the listener: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN stats_changed"); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("listen: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if _, err := conn.WaitForNotification(ctx); err != nil && ctx.Err() == nil {
				return
			}
		}
	}()
	return func() {
		cancel()
		<-done
		conn.Close(context.Background())
	}, nil
}

package messaging

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNoPoisonTable means the poison table of POISON_TOPIC does not exist: the migrations, which create
// it, were not run with that POISON_TOPIC.
var ErrNoPoisonTable = errors.New("poison table does not exist")

// CreatePoisonTable creates the poison table of topic (PoisonSchema's queries) in one transaction unless
// it exists with its TEXT uuid already; then it changes nothing and takes no lock, so that migrating
// again does not stop a running processor's writes. It is a migration: the migrate command runs it, so
// that the services need no right to change the schema.
func CreatePoisonTable(ctx context.Context, pool *pgxpool.Pool, topic string) error {
	if err := validPoisonTopic(topic); err != nil {
		return err
	}
	var uuidType string
	err := pool.QueryRow(ctx, `SELECT format_type(atttypid, atttypmod) FROM pg_attribute
		WHERE attrelid = to_regclass($1) AND attname = 'uuid' AND NOT attisdropped`, PoisonSchema().MessagesTable(topic)).Scan(&uuidType)
	if err == nil && uuidType == "text" {
		return nil
	}
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("POISON_TOPIC=%s: look for the poison table: %w", topic, err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, q := range PoisonSchema().SchemaInitializingQueries(topic) {
			if _, err := tx.Exec(ctx, q.Query, q.Args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("POISON_TOPIC=%s: create poison table %s: %w", topic, PoisonSchema().MessagesTable(topic), err)
	}
	return nil
}

// CheckPoisonTable returns an error matching ErrNoPoisonTable, naming POISON_TOPIC, the table and what
// to run, when the poison table of topic does not exist.
func CheckPoisonTable(ctx context.Context, pool *pgxpool.Pool, topic string) error {
	if err := validPoisonTopic(topic); err != nil {
		return err
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, PoisonSchema().MessagesTable(topic)).Scan(&exists); err != nil {
		return fmt.Errorf("POISON_TOPIC=%s: look for the poison table: %w", topic, err)
	}
	if !exists {
		return noPoisonTable(topic)
	}
	return nil
}

// noPoisonTable is the error of a missing poison table, saying how to create it.
func noPoisonTable(topic string) error {
	return fmt.Errorf("POISON_TOPIC=%s: %w: %s: run the migrations (go tool task migrate, or the migrate command) "+
		"with the same POISON_TOPIC", topic, ErrNoPoisonTable, PoisonSchema().MessagesTable(topic))
}

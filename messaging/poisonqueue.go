package messaging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/ThreeDotsLabs/watermill-sql/v3/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound means the poison queue holds no message at the given offset.
var ErrNotFound = errors.New("poisoned message not found")

// PoisonEntry is one message in the poison queue.
type PoisonEntry struct {
	// Offset identifies the entry in the queue; it grows with every poisoned message.
	Offset int64
	// UUID is the message's id, kept when the message is replayed.
	UUID string
	// CreatedAt is when the message was poisoned.
	CreatedAt time.Time
	// Reason is the error the handler returned.
	Reason string
	// Topic is the topic (stream) the message was consumed from, and where Replay puts it back.
	Topic      string
	Handler    string
	Subscriber string
	Payload    []byte
	// Metadata is the message's metadata as stored, the poison middleware's keys included.
	Metadata message.Metadata
}

// PoisonQueue reads and empties the poison queue that NewPostgresPoisonPublisher fills: the table
// watermill_<topic> in Postgres, which the migrations create. Entries come oldest first, in the order
// they were poisoned. When the table does not exist (the migrations ran with another POISON_TOPIC, or
// not at all), every method returns an error matching ErrNoPoisonTable that says so.
type PoisonQueue struct {
	pool  *pgxpool.Pool
	topic string
	table string
}

// poisonTopicPattern matches the characters watermill-sql refuses in a topic, since the topic becomes
// part of a table name.
var poisonTopicPattern = regexp.MustCompile(`[^A-Za-z0-9\-\$\:\.\_]`)

// NewPoisonQueue returns the poison queue of topic (the router's POISON_TOPIC) in the database behind pool.
func NewPoisonQueue(pool *pgxpool.Pool, topic string) (*PoisonQueue, error) {
	if err := validPoisonTopic(topic); err != nil {
		return nil, err
	}
	return &PoisonQueue{pool: pool, topic: topic, table: PoisonSchema().MessagesTable(topic)}, nil
}

// validPoisonTopic refuses a topic that cannot name a table.
func validPoisonTopic(topic string) error {
	if topic == "" || poisonTopicPattern.MatchString(topic) {
		return fmt.Errorf("poison topic %q: %w", topic, sql.ErrInvalidTopicName)
	}
	return nil
}

// poisonColumns are the columns scanEntry reads. created_at is a timestamp without time zone written in
// the inserting session's time zone; reading it in this session's zone gives the instant back.
const poisonColumns = `"offset", uuid, created_at::timestamptz, payload, metadata`

// List returns up to limit entries, oldest first; limit <= 0 returns them all.
func (q *PoisonQueue) List(ctx context.Context, limit int) ([]PoisonEntry, error) {
	query := `SELECT ` + poisonColumns + ` FROM ` + q.table + ` ORDER BY "offset"`
	var args []any
	if limit > 0 {
		query += ` LIMIT $1`
		args = append(args, limit)
	}
	rows, err := q.pool.Query(ctx, query, args...)
	if err == nil {
		var entries []PoisonEntry
		entries, err = pgx.CollectRows(rows, scanEntry)
		if err == nil {
			return entries, nil
		}
	}
	if isUndefinedTable(err) {
		return nil, noPoisonTable(q.topic)
	}
	return nil, fmt.Errorf("list poison queue: %w", err)
}

// Get returns the entry at offset, or ErrNotFound.
func (q *PoisonQueue) Get(ctx context.Context, offset int64) (PoisonEntry, error) {
	rows, err := q.pool.Query(ctx, `SELECT `+poisonColumns+` FROM `+q.table+` WHERE "offset" = $1`, offset)
	if err == nil {
		var entry PoisonEntry
		entry, err = pgx.CollectExactlyOneRow(rows, scanEntry)
		if err == nil {
			return entry, nil
		}
	}
	if isUndefinedTable(err) {
		return PoisonEntry{}, noPoisonTable(q.topic)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return PoisonEntry{}, fmt.Errorf("offset %d: %w", offset, ErrNotFound)
	}
	return PoisonEntry{}, fmt.Errorf("get poisoned message %d: %w", offset, err)
}

// Purge deletes the entry at offset for good, or returns ErrNotFound.
func (q *PoisonQueue) Purge(ctx context.Context, offset int64) error {
	tag, err := q.pool.Exec(ctx, `DELETE FROM `+q.table+` WHERE "offset" = $1`, offset)
	if isUndefinedTable(err) {
		return noPoisonTable(q.topic)
	}
	if err == nil && tag.RowsAffected() == 0 {
		return fmt.Errorf("offset %d: %w", offset, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("purge poisoned message %d: %w", offset, err)
	}
	return nil
}

// PurgeAll deletes every entry and returns how many there were.
func (q *PoisonQueue) PurgeAll(ctx context.Context) (int64, error) {
	tag, err := q.pool.Exec(ctx, `DELETE FROM `+q.table)
	if isUndefinedTable(err) {
		return 0, noPoisonTable(q.topic)
	}
	if err != nil {
		return 0, fmt.Errorf("purge poison queue: %w", err)
	}
	return tag.RowsAffected(), nil
}

func scanEntry(row pgx.CollectableRow) (PoisonEntry, error) {
	var (
		entry    PoisonEntry
		metadata []byte
	)
	if err := row.Scan(&entry.Offset, &entry.UUID, &entry.CreatedAt, &entry.Payload, &metadata); err != nil {
		return PoisonEntry{}, err
	}
	if metadata != nil {
		if err := json.Unmarshal(metadata, &entry.Metadata); err != nil {
			return PoisonEntry{}, fmt.Errorf("metadata of offset %d: %w", entry.Offset, err)
		}
	}
	entry.Reason = entry.Metadata.Get(middleware.ReasonForPoisonedKey)
	entry.Topic = entry.Metadata.Get(middleware.PoisonedTopicKey)
	entry.Handler = entry.Metadata.Get(middleware.PoisonedHandlerKey)
	entry.Subscriber = entry.Metadata.Get(middleware.PoisonedSubscriberKey)
	return entry, nil
}

// isUndefinedTable reports whether err is Postgres saying the table does not exist (SQLSTATE 42P01).
func isUndefinedTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01"
}

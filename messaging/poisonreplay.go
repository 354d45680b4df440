package messaging

import (
	"context"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/jackc/pgx/v5"
)

// poisonKeys are the metadata keys the poison middleware adds; a replayed message goes back without them.
var poisonKeys = []string{
	middleware.ReasonForPoisonedKey,
	middleware.PoisonedTopicKey,
	middleware.PoisonedHandlerKey,
	middleware.PoisonedSubscriberKey,
}

// Replay publishes the entry at offset with pub onto the topic it was poisoned from (same UUID, same
// payload, its metadata without the poison middleware's keys), THEN deletes it from the queue, and
// returns it. The row stays locked meanwhile, so concurrent replays of one entry publish it once. A crash
// or error between the publish and the delete leaves the entry in the queue, so at worst a message is
// replayed twice, which the processor's exactly-once projection absorbs; it is never lost.
// A missing entry is ErrNotFound.
func (q *PoisonQueue) Replay(ctx context.Context, pub message.Publisher, offset int64) (PoisonEntry, error) {
	entry, found, err := q.replayOne(ctx, pub, `WHERE "offset" = $1 FOR UPDATE`, offset)
	if err != nil {
		return PoisonEntry{}, err
	}
	if !found {
		return PoisonEntry{}, fmt.Errorf("offset %d: %w", offset, ErrNotFound)
	}
	return entry, nil
}

// ReplayAll replays, oldest first and one at a time as Replay does, the entries that were in the queue
// when it started, and returns how many it replayed. Messages poisoned again meanwhile wait for the next
// call, so a message that still fails cannot keep it going forever. Entries another replay holds are
// skipped. It stops at the first error.
func (q *PoisonQueue) ReplayAll(ctx context.Context, pub message.Publisher) (int, error) {
	var last *int64
	err := q.pool.QueryRow(ctx, `SELECT max("offset") FROM `+q.table).Scan(&last)
	if isUndefinedTable(err) {
		return 0, noPoisonTable(q.topic)
	}
	if err != nil {
		return 0, fmt.Errorf("replay poison queue: %w", err)
	}
	if last == nil {
		return 0, nil
	}
	replayed := 0
	for {
		_, found, err := q.replayOne(ctx, pub, `WHERE "offset" <= $1 ORDER BY "offset" LIMIT 1 FOR UPDATE SKIP LOCKED`, *last)
		if err != nil || !found {
			return replayed, err
		}
		replayed++
	}
}

// replayOne locks the first entry that where selects with arg, publishes it and deletes it, in one
// transaction. found is false when where selects nothing.
func (q *PoisonQueue) replayOne(ctx context.Context, pub message.Publisher, where string, arg int64) (entry PoisonEntry, found bool, err error) {
	tx, err := q.pool.Begin(ctx)
	if err != nil {
		return PoisonEntry{}, false, fmt.Errorf("replay: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	rows, err := tx.Query(ctx, `SELECT `+poisonColumns+` FROM `+q.table+` `+where, arg)
	if err == nil {
		entry, err = pgx.CollectExactlyOneRow(rows, scanEntry)
	}
	if isUndefinedTable(err) {
		return PoisonEntry{}, false, noPoisonTable(q.topic)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return PoisonEntry{}, false, nil
	}
	if err != nil {
		return PoisonEntry{}, false, fmt.Errorf("replay: read entry: %w", err)
	}
	if entry.Topic == "" {
		return PoisonEntry{}, false, fmt.Errorf("replay offset %d: no %s in its metadata, so no topic to replay it to",
			entry.Offset, middleware.PoisonedTopicKey)
	}
	msg := message.NewMessage(entry.UUID, entry.Payload)
	for key, value := range entry.Metadata {
		msg.Metadata.Set(key, value)
	}
	for _, key := range poisonKeys {
		delete(msg.Metadata, key)
	}
	msg.SetContext(ctx)
	if err := pub.Publish(entry.Topic, msg); err != nil {
		return PoisonEntry{}, false, fmt.Errorf("replay offset %d to %s: %w", entry.Offset, entry.Topic, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+q.table+` WHERE "offset" = $1`, entry.Offset); err != nil {
		return PoisonEntry{}, false, fmt.Errorf("replay offset %d: delete after publishing: %w", entry.Offset, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return PoisonEntry{}, false, fmt.Errorf("replay offset %d: commit the delete after publishing: %w", entry.Offset, err)
	}
	return entry, true, nil
}

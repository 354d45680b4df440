package messaging_test

import (
	"context"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestPoisonPublishNeedsNoCreateRights poisons a message as a role that may read and write the tables
// but not create any: once the migrations made the table, publishing must run no DDL.
func TestPoisonPublishNeedsNoCreateRights(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := testenv.DatabaseURL(t)
	topic := testenv.Messaging(t).PoisonTopic
	testenv.PoisonTable(t, dsn, topic)
	owner, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	defer owner.Close()

	pool, err := pgxpool.New(ctx, testenv.ServiceRoleURL(t, dsn))
	require.NoError(t, err)
	defer pool.Close()
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	pub, err := messaging.NewPostgresPoisonPublisher(db, watermill.NopLogger{})
	require.NoError(t, err)
	require.NoError(t, pub.Publish(topic, newTestMessage([]byte("poisoned by a service role"))))

	var n int
	require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM `+messaging.PoisonSchema().MessagesTable(topic)).Scan(&n))
	require.Equal(t, 1, n)
}

func TestCreatePoisonTableTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.Database(t)
	topic := testenv.Messaging(t).PoisonTopic
	require.NoError(t, messaging.CreatePoisonTable(ctx, pool, topic))
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	pub, err := messaging.NewPostgresPoisonPublisher(db, watermill.NopLogger{})
	require.NoError(t, err)
	require.NoError(t, pub.Publish(topic, newTestMessage([]byte("kept"))))

	require.NoError(t, messaging.CreatePoisonTable(ctx, pool, topic))
	require.NoError(t, messaging.CheckPoisonTable(ctx, pool, topic))
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM `+messaging.PoisonSchema().MessagesTable(topic)).Scan(&n))
	require.Equal(t, 1, n)
}

func TestCheckPoisonTableNamesTheTopicAndTheFix(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	topic := testenv.Messaging(t).PoisonTopic

	err := messaging.CheckPoisonTable(context.Background(), pool, topic)
	require.ErrorIs(t, err, messaging.ErrNoPoisonTable)
	require.ErrorContains(t, err, "POISON_TOPIC="+topic)
	require.ErrorContains(t, err, `"watermill_`+topic+`"`)
	require.ErrorContains(t, err, "run the migrations")
}

func TestPoisonPublishWithoutTableFails(t *testing.T) {
	t.Parallel()
	pool := testenv.Database(t)
	topic := testenv.Messaging(t).PoisonTopic
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	pub, err := messaging.NewPostgresPoisonPublisher(db, watermill.NopLogger{})
	require.NoError(t, err)

	require.Error(t, pub.Publish(topic, newTestMessage([]byte("nowhere to go"))))
	require.ErrorIs(t, messaging.CheckPoisonTable(context.Background(), pool, topic), messaging.ErrNoPoisonTable,
		"publishing must not have created the table")
}

// TestCreatePoisonTableAgainTakesNoLock migrates again while a processor's insert into the poison table
// is uncommitted: with a lock_timeout, a migration that took the table's exclusive lock would fail.
func TestCreatePoisonTableAgainTakesNoLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := testenv.DatabaseURL(t)
	topic := testenv.Messaging(t).PoisonTopic
	testenv.PoisonTable(t, dsn, topic)
	writer, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	defer writer.Close()
	tx, err := writer.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `INSERT INTO `+messaging.PoisonSchema().MessagesTable(topic)+` (uuid, payload, metadata, transaction_id) VALUES ('u', 'p', '{}', pg_current_xact_id())`)
	require.NoError(t, err)

	migrator, err := pgxpool.New(ctx, dsn+"&options=-c%20lock_timeout%3D200")
	require.NoError(t, err)
	defer migrator.Close()
	require.NoError(t, messaging.CreatePoisonTable(ctx, migrator, topic))
}

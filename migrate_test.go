package analytics_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestMigrateCreatesThePoisonTableOfPoisonTopic runs the migrate command with a POISON_TOPIC other than
// the default and then poisons a message as a role that may not create tables, as a service's role in
// production: the table the migrations made is all the publisher needs. A second migrate keeps it.
func TestMigrateCreatesThePoisonTableOfPoisonTopic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	migrate := filepath.Join(buildBinaries(t, "migrate"), "migrate")
	dsn := testenv.EmptyDatabaseURL(t)
	topic := serviceName(t) // serviceEnv's POISON_TOPIC

	code, out := runToExit(t, migrate, []string{"DATABASE_URL=" + dsn})
	require.Equal(t, 0, code, "migrate output:\n%s", out)
	pool, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	defer pool.Close()
	require.NoError(t, messaging.CheckPoisonTable(ctx, pool, topic))
	require.ErrorIs(t, messaging.CheckPoisonTable(ctx, pool, "analytics_poison"), messaging.ErrNoPoisonTable,
		"migrate creates the table of POISON_TOPIC, not of the default")

	service, err := pgxpool.New(ctx, testenv.ServiceRoleURL(t, dsn))
	require.NoError(t, err)
	defer service.Close()
	db := stdlib.OpenDBFromPool(service)
	defer db.Close()
	pub, err := messaging.NewPostgresPoisonPublisher(db, watermill.NopLogger{})
	require.NoError(t, err)
	require.NoError(t, pub.Publish(topic, message.NewMessage(watermill.NewUUID(), []byte("poisoned"))))

	code, out = runToExit(t, migrate, []string{"DATABASE_URL=" + dsn})
	require.Equal(t, 0, code, "second migrate output:\n%s", out)
	queue, err := messaging.NewPoisonQueue(pool, topic)
	require.NoError(t, err)
	entries, err := queue.List(ctx, 0)
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

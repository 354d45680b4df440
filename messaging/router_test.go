package messaging_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

const handlerName = "test_handler"

// routerEnv is a running router with the messaging middleware stack, one handler on a fresh stream and
// the Postgres poison queue in a fresh database.
type routerEnv struct {
	cfg    messaging.Config
	client *redis.Client
	pool   *pgxpool.Pool
	calls  atomic.Int64
	// reg holds the router's metrics (WithRouterMetrics).
	reg  *prometheus.Registry
	stop func()
}

// startRouter runs a router whose only handler counts its calls and then runs handle.
func startRouter(t *testing.T, handle func(msg *message.Message, call int64) error) *routerEnv {
	t.Helper()
	return startRouterOn(t, testenv.Messaging(t), handle)
}

// startRouterOn is startRouter with cfg, its subscriber built with opts.
func startRouterOn(t *testing.T, cfg messaging.Config, handle func(msg *message.Message, call int64) error, opts ...messaging.SubscriberOption) *routerEnv {
	t.Helper()
	env := &routerEnv{cfg: cfg, pool: testenv.Database(t), reg: prometheus.NewRegistry()}
	require.NoError(t, messaging.CreatePoisonTable(context.Background(), env.pool, env.cfg.PoisonTopic))
	env.client = testenv.RedisClient(t, env.cfg)
	db := stdlib.OpenDBFromPool(env.pool)
	t.Cleanup(func() { db.Close() })
	logger := watermill.NopLogger{}

	poison, err := messaging.NewPostgresPoisonPublisher(db, logger)
	require.NoError(t, err)
	router, err := messaging.NewRouter(env.cfg, poison, 10*time.Second, logger, messaging.WithRouterMetrics(env.reg))
	require.NoError(t, err)
	sub, err := messaging.NewRedisSubscriber(env.cfg, testenv.RedisClient(t, env.cfg), messaging.ConsumerNames(env.cfg, 1)[0], logger, opts...)
	require.NoError(t, err)
	router.AddConsumerHandler(handlerName, env.cfg.Stream, sub, func(msg *message.Message) error {
		return handle(msg, env.calls.Add(1))
	})

	runErr := make(chan error, 1)
	go func() { runErr <- router.Run(context.Background()) }()
	<-router.Running()
	stopped := false
	env.stop = func() {
		if stopped {
			return
		}
		stopped = true
		require.NoError(t, router.Close())
		require.NoError(t, <-runErr)
	}
	t.Cleanup(env.stop)
	return env
}

func (env *routerEnv) publish(t *testing.T, msg *message.Message) {
	t.Helper()
	require.NoError(t, messaging.NewRedisPublisher(env.client, env.cfg.PublishTimeout).Publish(env.cfg.Stream, msg))
}

// waitAcked waits until the handler ran at least minCalls times and the group has nothing pending.
func (env *routerEnv) waitAcked(t *testing.T, minCalls int64) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		count, err := pending(env.client, env.cfg.Stream, env.cfg.ConsumerGroup)
		require.NoError(c, err)
		require.Zero(c, count, "pending messages")
		require.GreaterOrEqual(c, env.calls.Load(), minCalls, "handler calls")
	}, waitFor, pollEvery, "message not acknowledged")
}

type poisonRow struct {
	uuid     string
	payload  []byte
	metadata map[string]string
}

// poisoned returns the rows of the poison table; a table that does not exist yet holds nothing.
func (env *routerEnv) poisoned(t require.TestingT) []poisonRow {
	ctx := context.Background()
	table := "watermill_" + env.cfg.PoisonTopic
	var exists bool
	require.NoError(t, env.pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", pgx.Identifier{table}.Sanitize()).Scan(&exists))
	if !exists {
		return nil
	}
	rows, err := env.pool.Query(ctx, `SELECT uuid, payload, metadata FROM `+pgx.Identifier{table}.Sanitize()+` ORDER BY "offset"`)
	require.NoError(t, err)
	defer rows.Close()
	var got []poisonRow
	for rows.Next() {
		var (
			row      poisonRow
			metadata []byte
		)
		require.NoError(t, rows.Scan(&row.uuid, &row.payload, &metadata))
		require.NoError(t, json.Unmarshal(metadata, &row.metadata))
		got = append(got, row)
	}
	require.NoError(t, rows.Err())
	return got
}

func TestRouterPoisonsPermanentErrorsAndExhaustedPanics(t *testing.T) {
	t.Parallel()
	permanent := func(reason string) func(*message.Message, int64) error {
		return func(*message.Message, int64) error { return messaging.Permanent(errors.New(reason)) }
	}
	once := func(messaging.Config) int64 { return 1 }
	cases := []struct {
		name    string
		uuid    string
		payload []byte
		// entry, when set, is added to the stream by hand, as a producer other than Watermill would.
		entry      map[string]any
		handle     func(msg *message.Message, call int64) error
		wantCalls  func(cfg messaging.Config) int64
		wantReason string
	}{
		{
			name:       "permanent_error",
			uuid:       watermill.NewUUID(),
			payload:    []byte(`{"site_id":"s1"}`),
			handle:     permanent("bad payload"),
			wantCalls:  once,
			wantReason: "permanent: bad payload",
		},
		{
			name:       "permanent_error_on_payload_that_is_not_json",
			uuid:       watermill.NewUUID(),
			payload:    []byte(`{"event_id":`),
			handle:     permanent("unexpected end of JSON input"),
			wantCalls:  once,
			wantReason: "permanent: unexpected end of JSON input",
		},
		{
			name:       "permanent_error_on_binary_payload",
			uuid:       watermill.NewUUID(),
			payload:    []byte{0x00, 0xff, 0xfe, 'x', 0x00},
			handle:     permanent("not an event"),
			wantCalls:  once,
			wantReason: "permanent: not an event",
		},
		{
			name:       "panic_after_retries",
			uuid:       watermill.NewUUID(),
			payload:    []byte(`{"site_id":"s1"}`),
			handle:     func(*message.Message, int64) error { panic("handler bug") },
			wantCalls:  func(cfg messaging.Config) int64 { return int64(cfg.RetryMax) + 1 },
			wantReason: "panic occurred",
		},
		{
			name:       "foreign_entry_with_long_message_id",
			uuid:       strings.Repeat("e", 128),
			payload:    []byte(`{"event_id":`),
			entry:      map[string]any{redisstream.UUIDHeaderKey: strings.Repeat("e", 128), "payload": `{"event_id":`},
			handle:     permanent("unexpected end of JSON input"),
			wantCalls:  once,
			wantReason: "permanent: unexpected end of JSON input",
		},
		{
			name:       "undecodable_foreign_entry",
			payload:    []byte(`{"source":"legacy"}`),
			entry:      map[string]any{"source": "legacy"},
			handle:     func(*message.Message, int64) error { return nil },
			wantCalls:  func(messaging.Config) int64 { return 0 },
			wantReason: "undecodable stream entry",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := startRouter(t, tc.handle)
			if tc.entry != nil {
				require.NoError(t, env.client.XAdd(context.Background(), &redis.XAddArgs{Stream: env.cfg.Stream, Values: tc.entry}).Err())
			} else {
				msg := message.NewMessage(tc.uuid, tc.payload)
				msg.Metadata.Set("origin", "router_test")
				env.publish(t, msg)
			}

			var rows []poisonRow
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				rows = env.poisoned(c)
				require.Len(c, rows, 1, "poisoned messages")
				count, err := pending(env.client, env.cfg.Stream, env.cfg.ConsumerGroup)
				require.NoError(c, err)
				require.Zero(c, count, "pending messages")
			}, waitFor, pollEvery, "message not poisoned and acknowledged")
			require.Equal(t, tc.wantCalls(env.cfg), env.calls.Load())

			row := rows[0]
			if tc.uuid != "" {
				require.Equal(t, tc.uuid, row.uuid)
			}
			require.NotEmpty(t, row.uuid)
			require.Equal(t, tc.payload, row.payload)
			require.Contains(t, row.metadata[middleware.ReasonForPoisonedKey], tc.wantReason)
			require.Equal(t, handlerName, row.metadata[middleware.PoisonedHandlerKey])
			require.Equal(t, env.cfg.Stream, row.metadata[middleware.PoisonedTopicKey])
			if tc.entry == nil {
				require.Equal(t, "router_test", row.metadata["origin"])
			}
		})
	}
}

func TestRouterAcknowledgesAfterTransientErrors(t *testing.T) {
	t.Parallel()
	env := startRouter(t, func(_ *message.Message, call int64) error {
		if call <= 2 {
			return errors.New("database is restarting")
		}
		return nil
	})
	require.GreaterOrEqual(t, env.cfg.RetryMax, 2, "the handler must succeed within its retries")
	env.publish(t, message.NewMessage(watermill.NewUUID(), []byte(`{"site_id":"s1"}`)))

	env.waitAcked(t, 3)
	env.stop()
	require.Equal(t, int64(3), env.calls.Load())
	require.Empty(t, env.poisoned(t))
}

func TestRouterNeverPoisonsTransientErrors(t *testing.T) {
	t.Parallel()
	env := startRouter(t, func(*message.Message, int64) error {
		return errors.New("database is down")
	})
	env.publish(t, message.NewMessage(watermill.NewUUID(), []byte(`{"site_id":"s1"}`)))

	// Each delivery runs the handler RetryMax+1 times; more calls than two deliveries' worth prove the
	// message came back after its retries ran out instead of going to the poison queue.
	redelivered := 2 * int64(env.cfg.RetryMax+1)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		require.Greater(c, env.calls.Load(), redelivered, "handler calls")
	}, waitFor, pollEvery)
	env.stop()

	require.Empty(t, env.poisoned(t))
	count, err := pending(env.client, env.cfg.Stream, env.cfg.ConsumerGroup)
	require.NoError(t, err)
	require.Equal(t, int64(1), count, "the message stays pending for a later delivery")
}

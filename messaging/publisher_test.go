package messaging_test

import (
	"context"
	"fmt"
	"maps"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

func TestRedisPublisherPublishesBatch(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)
	pub := messaging.NewRedisPublisher(client, cfg.PublishTimeout)

	const n = 5
	msgs := make([]*message.Message, n)
	wantMetadata := make([]message.Metadata, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(watermill.NewUUID(), fmt.Appendf(nil, `{"n":%d}`, i))
		msgs[i].Metadata.Set("correlation_id", watermill.NewShortUUID())
		msgs[i].Metadata.Set("index", strconv.Itoa(i))
		wantMetadata[i] = maps.Clone(msgs[i].Metadata)
	}
	require.NoError(t, pub.Publish(cfg.Stream, msgs...))

	entries, err := client.XRange(context.Background(), cfg.Stream, "-", "+").Result()
	require.NoError(t, err)
	require.Len(t, entries, n)
	for i, msg := range msgs {
		id := msg.Metadata.Get(messaging.BrokerIDKey)
		require.Equal(t, entries[i].ID, id, "message %d: broker id is the stream entry id", i)
		if i > 0 {
			require.True(t, streamIDBefore(t, msgs[i-1].Metadata.Get(messaging.BrokerIDKey), id),
				"broker ids must increase: %v", entries)
		}
	}

	sub, err := messaging.NewRedisSubscriber(cfg, testenv.RedisClient(t, cfg), messaging.ConsumerNames(cfg, 1)[0], watermill.NopLogger{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	received, err := sub.Subscribe(context.Background(), cfg.Stream)
	require.NoError(t, err)

	got := receive(t, received, n)
	for i, msg := range got {
		require.Equal(t, msgs[i].UUID, msg.UUID)
		require.Equal(t, msgs[i].Payload, msg.Payload)
		require.Equal(t, wantMetadata[i], msg.Metadata)
	}
	require.Eventually(t, func() bool {
		count, err := pending(client, cfg.Stream, cfg.ConsumerGroup)
		return err == nil && count == 0
	}, waitFor, pollEvery, "acknowledged messages must leave the pending list")
}

func TestRedisPublisherPublishesNothingWithoutMessages(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)

	require.NoError(t, messaging.NewRedisPublisher(client, cfg.PublishTimeout).Publish(cfg.Stream))

	exists, err := client.Exists(context.Background(), cfg.Stream).Result()
	require.NoError(t, err)
	require.Zero(t, exists)
}

func TestRedisPublisherFailsWhenRedisDoesNotAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		addr func(t *testing.T) (host string, port int)
	}{
		{name: "closed_port", addr: closedPort},
		{name: "silent_server", addr: silentServer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := messaging.Config{PublishTimeout: 500 * time.Millisecond}
			cfg.RedisHost, cfg.RedisPort = tc.addr(t)
			cfg.SetDefaults()
			client := messaging.NewRedisClient(cfg, 0)
			t.Cleanup(func() { client.Close() })

			msg := message.NewMessage(watermill.NewUUID(), []byte(`{}`))
			err := messaging.NewRedisPublisher(client, cfg.PublishTimeout).Publish("events", msg)
			require.Error(t, err)
			require.Empty(t, msg.Metadata.Get(messaging.BrokerIDKey))
		})
	}
}

func TestRedisPublisherHonoursMessageContext(t *testing.T) {
	t.Parallel()
	cfg := testenv.Messaging(t)
	client := testenv.RedisClient(t, cfg)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	msg := message.NewMessage(watermill.NewUUID(), []byte(`{}`))
	msg.SetContext(ctx)

	err := messaging.NewRedisPublisher(client, cfg.PublishTimeout).Publish(cfg.Stream, msg)
	require.ErrorIs(t, err, context.Canceled)
	length, err := client.XLen(context.Background(), cfg.Stream).Result()
	require.NoError(t, err)
	require.Zero(t, length)
}

// streamIDBefore parses two Redis stream ids (<milliseconds>-<sequence>) and reports whether a < b.
func streamIDBefore(t *testing.T, a, b string) bool {
	t.Helper()
	aMs, aSeq := parseStreamID(t, a)
	bMs, bSeq := parseStreamID(t, b)
	return aMs < bMs || (aMs == bMs && aSeq < bSeq)
}

func parseStreamID(t *testing.T, id string) (ms, seq uint64) {
	t.Helper()
	msPart, seqPart, ok := strings.Cut(id, "-")
	require.True(t, ok, "stream id %q has no '-'", id)
	ms, err := strconv.ParseUint(msPart, 10, 64)
	require.NoError(t, err, "stream id %q", id)
	seq, err = strconv.ParseUint(seqPart, 10, 64)
	require.NoError(t, err, "stream id %q", id)
	return ms, seq
}

// closedPort returns a local port that nothing listens on.
func closedPort(t *testing.T) (string, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return "127.0.0.1", port
}

// silentServer returns the address of a server that accepts connections and never answers.
func silentServer(t *testing.T) (string, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
		for _, conn := range conns {
			conn.Close()
		}
	})
	return "127.0.0.1", l.Addr().(*net.TCPAddr).Port
}

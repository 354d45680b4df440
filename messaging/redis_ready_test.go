package messaging_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

func TestNewBrokerRejectsMalformedRedisHost(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		host  string
		valid bool
	}{
		{name: "url", host: "redis://localhost"},
		{name: "host_and_port", host: "redis:6379"},
		{name: "bracketed_ipv6", host: "[::1]"},
		{name: "space", host: "red is"},
		{name: "name", host: "redis", valid: true},
		{name: "dotted_name", host: "redis.internal.example", valid: true},
		{name: "ipv4", host: "127.0.0.1", valid: true},
		{name: "ipv6", host: "::1", valid: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := messaging.NewBroker(messaging.Config{Broker: messaging.BrokerRedis, RedisHost: tc.host}, slog.New(slog.DiscardHandler))
			if tc.valid {
				require.NoError(t, err)
				require.NoError(t, b.Close())
				return
			}
			require.ErrorIs(t, err, messaging.ErrBrokerSetting)
			require.ErrorContains(t, err, "REDIS_HOST")
		})
	}
}

func TestWaitReadyReturnsRejectedPasswordAtOnce(t *testing.T) {
	t.Parallel()
	port := testenv.RedisWithPassword(t, "the-right-one")
	cfg := messaging.Config{Broker: messaging.BrokerRedis, RedisHost: "127.0.0.1", RedisPort: port, RedisPassword: "hunter2"}
	b, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = b.WaitReady(ctx)
	require.NoError(t, ctx.Err(), "retried until the deadline: %v", err)
	require.ErrorIs(t, err, messaging.ErrBrokerSetting)
	require.ErrorContains(t, err, "REDIS_PASSWORD")
	require.NotContains(t, err.Error(), "hunter2")

	cfg.RedisPassword = "the-right-one"
	b2, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { b2.Close() })
	require.NoError(t, b2.WaitReady(ctx), "the right password is accepted")
}

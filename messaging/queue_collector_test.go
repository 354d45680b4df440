package messaging_test

import (
	"context"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// gathered returns the value of each gauge and counter reg gathers, by name.
func gathered(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	values := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			switch f.GetType() {
			case dto.MetricType_GAUGE:
				values[f.GetName()] += m.GetGauge().GetValue()
			case dto.MetricType_COUNTER:
				values[f.GetName()] += m.GetCounter().GetValue()
			}
		}
	}
	return values
}

// TestQueueCollectorExportsTheBrokersFigures reads the gauges of each broker with messages published
// and none consumed: what each broker can tell is exported, what it cannot is left out.
func TestQueueCollectorExportsTheBrokersFigures(t *testing.T) {
	t.Parallel()
	const published = 3
	cases := []struct {
		broker string
		want   map[string]float64
		absent []string
	}{
		// No processor has read the stream: the group does not exist, so Redis cannot tell its lag.
		{broker: messaging.BrokerRedis, want: map[string]float64{"broker_stream_length_messages": published, "broker_pending_messages": 0},
			absent: []string{"broker_lag_messages"}},
		{broker: messaging.BrokerKafka, want: map[string]float64{"broker_stream_length_messages": published, "broker_lag_messages": published},
			absent: []string{"broker_pending_messages"}},
		{broker: messaging.BrokerMemory, want: map[string]float64{"broker_pending_messages": published},
			absent: []string{"broker_lag_messages", "broker_stream_length_messages"}},
	}
	for _, tc := range cases {
		t.Run(tc.broker, func(t *testing.T) {
			t.Parallel()
			cfg := testenv.Broker(t, tc.broker)
			broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler), messaging.Shared())
			require.NoError(t, err)
			t.Cleanup(func() { broker.Close() })
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			require.NoError(t, broker.WaitReady(ctx))
			for range published {
				require.NoError(t, broker.Publisher().Publish(broker.Topic(), message.NewMessage(watermill.NewUUID(), []byte(`[]`))))
			}

			reg := prometheus.NewRegistry()
			require.NoError(t, reg.Register(messaging.NewQueueCollector(broker)))
			values := gathered(t, reg)
			for name, want := range tc.want {
				require.Contains(t, values, name)
				require.Equal(t, want, values[name], name)
			}
			for _, name := range tc.absent {
				require.NotContains(t, values, name, "a figure the broker cannot tell is left out")
			}
			require.Zero(t, values["broker_status_errors_total"])
		})
	}
}

// TestQueueCollectorDoesNotHangOnABrokerThatDoesNotAnswer points the collector at a "Redis" that
// accepts connections and never answers: each scrape gives up after the collector's timeout, leaves the
// gauges out and counts an error, and a scrape during the read still in flight starts no second read.
func TestQueueCollectorDoesNotHangOnABrokerThatDoesNotAnswer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	var accepted atomic.Int64
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			t.Cleanup(func() { conn.Close() })
		}
	}()
	cfg := testenv.Messaging(t)
	cfg.RedisHost, cfg.RedisPort = "127.0.0.1", ln.Addr().(*net.TCPAddr).Port
	cfg.PublishTimeout = time.Minute // the client's read timeout: far beyond the test
	broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { broker.Close() })

	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(messaging.NewQueueCollectorWithin(broker, 100*time.Millisecond, time.Hour)))
	for scrape := 1; scrape <= 2; scrape++ {
		values := gathered(t, reg)
		require.NotContains(t, values, "broker_lag_messages")
		require.NotContains(t, values, "broker_pending_messages")
		require.NotContains(t, values, "broker_stream_length_messages")
		require.Equal(t, float64(scrape), values["broker_status_errors_total"])
	}
	require.Equal(t, int64(1), accepted.Load(), "one read in flight, shared by both scrapes")
}

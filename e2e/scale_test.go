package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/metrics"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// Horizontal scale: the events of many sites, posted as many requests.
const (
	scaleSites    = 20
	scaleRequests = 120
	scalePerReq   = 10
)

// testHorizontalScale runs two processors (different consumer names) on one consumer group (Redis), one
// topic's partitions (Kafka) or one in-process broker (memory): both must do part of the work, and every
// event must be counted exactly once.
func testHorizontalScale(t *testing.T, broker string) {
	msgCfg := testenv.Broker(t, broker)
	dbURL := testenv.ProcessorDatabaseURL(t, msgCfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := discard()

	// With memory all parts share the process's broker; otherwise each has its own, as separate processes do.
	newBroker := func() *messaging.Broker {
		b, err := messaging.NewBroker(msgCfg, log, messaging.Shared())
		require.NoError(t, err)
		t.Cleanup(func() { b.Close() })
		return b
	}
	shared := newBroker()
	brokerFor := func() *messaging.Broker {
		if broker == messaging.BrokerMemory {
			return shared
		}
		return newBroker()
	}

	errs := make(chan error, 4)
	processors := make([]*processor.Processor, 2)
	for i := range processors {
		cfg := msgCfg
		cfg.ConsumerName = fmt.Sprintf("%s-processor-%d", msgCfg.ConsumerName, i)
		processors[i] = processor.New(processor.Config{DatabaseURL: dbURL, Concurrency: 2, Messaging: cfg, ShutdownTimeout: shutdownTimeout}, brokerFor(), log)
		go func() { errs <- processors[i].Run(ctx) }()
	}
	ingestLn, reportLn := listen(t), listen(t)
	go func() {
		errs <- ingestion.ServeOn(ctx, ingestion.Config{Messaging: msgCfg, ShutdownTimeout: shutdownTimeout}, ingestLn, shared, metrics.NewRegistry(), log)
	}()
	go func() {
		errs <- reporting.Serve(ctx, reporting.Config{DatabaseURL: dbURL, ShutdownTimeout: shutdownTimeout}, reportLn, log)
	}()
	t.Cleanup(func() {
		cancel()
		for range 4 {
			require.NoError(t, <-errs, "a service did not shut down cleanly")
		}
	})
	for _, p := range processors {
		select {
		case <-p.Running():
		case <-time.After(60 * time.Second):
			t.Fatal("a processor did not start")
		}
	}
	if broker == messaging.BrokerKafka {
		// A Kafka processor is one group member, whatever its concurrency.
		waitForKafkaGroup(t, msgCfg, len(processors))
	}

	ingestionURL, reportingURL := "http://"+ingestLn.Addr().String(), "http://"+reportLn.Addr().String()
	views := make([]int, scaleSites)
	for r := range scaleRequests {
		batch := make([]map[string]any, scalePerReq)
		for i := range batch {
			site := (r*scalePerReq + i) % scaleSites
			views[site]++
			batch[i] = map[string]any{"site_id": fmt.Sprint("site-", site), "event_type": "page_view",
				"path": "/p", "user_id": fmt.Sprint("u", r), "timestamp": "2025-11-12T12:00:00Z"}
		}
		var result struct {
			Accepted int `json:"accepted"`
		}
		require.Equal(t, http.StatusOK, post(t, ingestionURL+"/events", batch, &result))
		require.Equal(t, scalePerReq, result.Accepted)
	}

	for site, n := range views {
		users := min(n, scaleRequests)
		waitForStats(t, reportingURL, fmt.Sprintf("site_id=site-%d&date=2025-11-12", site), fmt.Sprintf(
			`{"site_id":"site-%d","date":"2025-11-12","total_views":%d,"unique_users":%d,"top_paths":[{"path":"/p","views":%d}]}`,
			site, n, users, n))
	}
	for i, p := range processors {
		require.Positive(t, p.Handled(), "processor %d handled no message: the load was not shared", i)
	}
	t.Logf("%s: messages handled by the two processors: %d and %d", broker, processors[0].Handled(), processors[1].Handled())
}

// waitForKafkaGroup waits until the consumer group is stable with members members, so that both
// processors own partitions before the events are posted.
func waitForKafkaGroup(t *testing.T, cfg messaging.Config, members int) {
	t.Helper()
	var last messaging.KafkaGroupStatus
	require.Eventually(t, func() bool {
		status, err := messaging.KafkaQueueStatus(cfg)
		last = status
		return err == nil && status.State == "Stable" && len(status.Members) == members
	}, 60*time.Second, 100*time.Millisecond, "consumer group never stable with %d members: last %+v", members, &last)
}

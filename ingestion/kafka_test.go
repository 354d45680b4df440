package ingestion_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// producerMaxBatchBytes is the Kafka publisher's limit on a record batch (kgo's ProducerBatchMaxBytes),
// and so on the largest record it sends.
const producerMaxBatchBytes = 1000000

// TestKafkaRequestOverTheMessageLimitIsSplit packs a request whose events encode to more than Kafka's
// message limit with two small ones: every request is answered 200, every event is in the topic once,
// in records the producer accepts, and each item's queued_id names the record that carries it.
func TestKafkaRequestOverTheMessageLimitIsSplit(t *testing.T) {
	t.Parallel()
	srv := newKafkaServer(t, testenv.Kafka(t))
	// A 430 KB body whose events encode to 2.4 MB.
	bigBody := escapingBatch("big", "big", 300, 1301)
	first, answers := packTogether(t, srv.url, srv.api, srv.gate, eventJSON(map[string]any{"event_id": "first"}), [][2]string{
		{"/event", eventJSON(map[string]any{"event_id": "b", "site_id": "b"})},
		{"/events", bigBody},
		{"/event", eventJSON(map[string]any{"event_id": "c", "site_id": "c"})},
	})
	require.Equal(t, http.StatusOK, first.status, "body: %s", first.body)
	for i, r := range answers {
		require.Equal(t, http.StatusOK, r.status, "request %d: %s", i, r.body)
	}

	records := topicRecords(t, srv.cfg)
	byID := map[string]kafkaRecord{}
	for _, r := range records {
		require.LessOrEqual(t, r.size, producerMaxBatchBytes, "record %s", r.id)
		require.LessOrEqual(t, len(r.events), ingestion.MaxEventsPerMessage, "record %s", r.id)
		byID[r.id] = r
	}
	seen := countEvents(records)
	require.Len(t, seen, 300+3)
	for id, n := range seen {
		require.Equal(t, 1, n, "event %s is in the topic %d times", id, n)
	}
	batch := decodeBatch(t, answers[1])
	require.True(t, batch.Success)
	require.Equal(t, 300, batch.Accepted)
	for i, res := range batch.Results {
		require.Equal(t, fmt.Sprint("big-", i), res.EventID)
		require.True(t, carries(byID[res.QueuedID], res.EventID), "record %q does not carry %s", res.QueuedID, res.EventID)
	}
}

// TestKafkaRefusedMessageFailsOnlyItsRequests packs three requests whose events go to three partitions
// of a topic that refuses records over 64 KiB; the message of site "big" is over it. The request whose
// events all went in that message is answered 503, the others 2xx for exactly the events that were
// stored, and each stored event is in the topic once.
func TestKafkaRefusedMessageFailsOnlyItsRequests(t *testing.T) {
	t.Parallel()
	const partitions = 8
	cfg := testenv.KafkaTopic(t, testenv.Kafka(t), partitions, map[string]string{"max.message.bytes": "65536"})
	bigPartition := partitionOf(t, "big", partitions)
	var small []string
	for i := 0; len(small) < 2; i++ {
		if site := fmt.Sprint("site-", i); partitionOf(t, site, partitions) != bigPartition {
			small = append(small, site)
		}
	}
	srv := newKafkaServer(t, cfg)
	mixed := "[" + eventJSON(map[string]any{"event_id": "d-0", "site_id": small[1]}) + "," +
		eventJSON(map[string]any{"event_id": "d-1", "site_id": "big"}) + "]"
	_, answers := packTogether(t, srv.url, srv.api, srv.gate, eventJSON(map[string]any{"event_id": "first", "site_id": small[0]}), [][2]string{
		{"/events", batchOf("a", "big", 100, 1000)},
		{"/event", eventJSON(map[string]any{"event_id": "b", "site_id": small[0]})},
		{"/events", mixed},
	})

	refused, single, partial := answers[0], answers[1], answers[2]
	require.Equal(t, http.StatusOK, single.status, "body: %s", single.body)
	require.Equal(t, http.StatusOK, partial.status, "body: %s", partial.body)
	requireError(t, refused, http.StatusServiceUnavailable, "too large")
	require.Equal(t, "1", refused.header.Get("Retry-After"))
	batch := decodeBatch(t, partial)
	require.False(t, batch.Success)
	require.Equal(t, 1, batch.Accepted)
	require.Equal(t, 1, batch.Rejected)
	require.NotEmpty(t, batch.Results[0].QueuedID)
	require.Empty(t, batch.Results[1].QueuedID)
	require.Equal(t, "d-1", batch.Results[1].EventID, "the client learns which event to send again")
	require.True(t, containsMessage(batch.Results[1].Error, "not queued"), "errors: %q", batch.Results[1].Error)

	seen := countEvents(topicRecords(t, cfg))
	require.Equal(t, map[string]int{"first": 1, "b": 1, "d-0": 1}, seen)
}

func carries(r kafkaRecord, eventID string) bool {
	for _, e := range r.events {
		if e.EventID == eventID {
			return true
		}
	}
	return false
}

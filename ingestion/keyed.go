package ingestion

import (
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/messaging"
)

// keyedPublisher is a publisher that spreads messages over partitions by their messaging.PartitionKeyKey
// metadata (Kafka). A pack mixes sites, so for such a publisher the packer sends one message per site,
// keyed by site_id: each site's events then stay in order on one partition, and the processors that
// share the topic's partitions share the sites.
type keyedPublisher interface {
	PartitionsByKey() bool
}

// partitionsByKey reports whether publisher wants messages keyed.
func partitionsByKey(publisher message.Publisher) bool {
	k, ok := publisher.(keyedPublisher)
	return ok && k.PartitionsByKey()
}

// writeBatch publishes the events of batch and returns, for each request, the broker id of the message
// that carries its first event. Without keys the batch is one message; with keys it is one message per
// site, all sent in one Publish call.
func (p *packer) writeBatch(batch []packRequest, n int) ([]string, error) {
	ids := make([]string, len(batch))
	if !p.keyed {
		id, err := p.write(batch, n)
		for i := range ids {
			ids[i] = id
		}
		return ids, err
	}

	bySite := map[string]int{} // site id → index in sites and msgs
	var sites [][]event.Event
	firstMessage := make([]int, len(batch))
	for i, req := range batch {
		for j, e := range req.events {
			k, ok := bySite[e.SiteID]
			if !ok {
				k = len(sites)
				bySite[e.SiteID] = k
				sites = append(sites, nil)
			}
			sites[k] = append(sites[k], e)
			if j == 0 {
				firstMessage[i] = k
			}
		}
	}
	correlationID := ""
	if len(batch) == 1 {
		correlationID = p.requestIDs.get(batch[0].requestID)
	}
	msgs := make([]*message.Message, len(sites))
	for k, events := range sites {
		payload, err := event.Marshal(events)
		if err != nil {
			return ids, err
		}
		msgs[k] = message.NewMessage(watermill.NewUUID(), payload)
		msgs[k].Metadata.Set(messaging.PartitionKeyKey, events[0].SiteID)
		if correlationID != "" {
			middleware.SetCorrelationID(correlationID, msgs[k])
		}
	}
	if err := p.publisher.Publish(p.topic, msgs...); err != nil {
		return ids, fmt.Errorf("publish %d events in %d messages: %w", n, len(msgs), err)
	}
	for i := range batch {
		ids[i] = msgs[firstMessage[i]].Metadata.Get(messaging.BrokerIDKey)
	}
	return ids, nil
}
